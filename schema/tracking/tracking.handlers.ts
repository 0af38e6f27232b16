import type { AppDeps } from '../../server/context';
import type { ViewableContentChange } from './viewable-content';

/**
 * What moderation hides or deletes stops taking views at once: the items are dropped from the
 * viewable cache here and, through VIEWABLE_CONTENT_CHANGED, on every other instance, before the
 * decision's request answers (as a suspended member's cached viewer is, identity.handlers.ts).
 */
export function registerTrackingHandlers(deps: AppDeps): void {
  const changed = (change: ViewableContentChange) => {
    deps.viewableContent.forget(change);
    deps.pubSub.publish('VIEWABLE_CONTENT_CHANGED', change);
  };
  deps.events.beforeAnswer('SUBJECT_HIDDEN', ({ kind, subjectId }) => {
    if (kind === 'CONTENT') changed({ contentId: subjectId });
  });
  // A deleted item's views would fail in the writer, and with them the other views of its batch.
  deps.events.beforeAnswer('SUBJECT_DELETED', ({ kind, subjectId }) => {
    if (kind === 'CONTENT') changed({ contentId: subjectId });
  });
  deps.events.beforeAnswer('MEMBER_SUSPENDED', ({ memberId }) => changed({ authorId: memberId }));
}
