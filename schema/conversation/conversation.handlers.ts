import type { AppDeps } from '../../server/context';

/** Realtime delivery: each committed message is published once to each participant's topic. */
export function registerConversationHandlers(deps: AppDeps): void {
  deps.events.on('MESSAGE_SENT', async ({ messageId, conversationId, senderId, recipientId }) => {
    for (const memberId of [senderId, recipientId]) {
      deps.pubSub.publish('MESSAGE_ADDED', memberId, { messageId, conversationId });
    }
  });
}
