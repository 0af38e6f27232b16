import type { AppDeps } from '../../server/context';

/**
 * A changed member's cached viewer is forgotten here and, through MEMBER_ACCESS_CHANGED, on every
 * other instance, before the change's request answers: the next request with their token, on
 * any instance, is decided on the new state (a suspended member's is refused).
 */
export function registerIdentityHandlers(deps: AppDeps): void {
  deps.events.beforeAnswer('MEMBER_CHANGED', ({ memberId }) => {
    deps.viewers.forget(memberId);
    deps.pubSub.publish('MEMBER_ACCESS_CHANGED', { memberId });
  });
}
