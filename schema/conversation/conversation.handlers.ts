import type { AppDeps } from '../../server/context';

/** Realtime delivery of messages (MESSAGE_ADDED per participant) after MESSAGE_SENT commits. */
export function registerConversationHandlers(deps: AppDeps): void {
  void deps;
}
