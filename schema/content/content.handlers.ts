import type { AppDeps } from '../../server/context';

/** Realtime: each committed publication and comment is published once, with ids only. */
export function registerContentHandlers(deps: AppDeps): void {
  deps.events.on('CONTENT_PUBLISHED', async ({ contentId }) => {
    deps.pubSub.publish('CONTENT_PUBLISHED', { contentId });
  });
  deps.events.on('COMMENT_ADDED', async ({ commentId, contentId }) => {
    deps.pubSub.publish('COMMENT_ADDED', contentId, { commentId });
  });
}
