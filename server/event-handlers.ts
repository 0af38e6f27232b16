import type { AppDeps } from './context';
import { registerContentHandlers } from '../schema/content/content.handlers';
import { registerConversationHandlers } from '../schema/conversation/conversation.handlers';
import { registerNotificationHandlers } from '../schema/notification/notification.handlers';
import { registerLiveHandlers } from '../schema/live/live.handlers';
import { registerMeetingHandlers } from '../schema/live/networking/meeting.handlers';
import { registerModerationHandlers } from '../schema/moderation/moderation.handlers';

/**
 * Wires each domain's reactions to domain events (notifications, realtime messages). A domain
 * that reacts to events adds its `register…Handlers(deps)` call here.
 */
export function registerEventHandlers(deps: AppDeps): void {
  registerContentHandlers(deps);
  registerConversationHandlers(deps);
  registerNotificationHandlers(deps);
  registerLiveHandlers(deps);
  registerMeetingHandlers(deps);
  registerModerationHandlers(deps);
}
