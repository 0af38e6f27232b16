import type { HearthModule } from '../../server/module';
import { AuthResolver } from './auth.resolver';
import { authChecker } from './authorization';
import { registerIdentityHandlers } from './identity.handlers';
import { createIdentityLoaders } from './identity.loaders';
import { Member } from './member.entity';
import { MemberResolver } from './member.resolver';
import { RefreshToken } from './refresh-token.entity';
import { ViewerCache } from './viewer-cache';
import { resolveViewer } from './viewer-context';

declare module '../../server/pubsub' {
  interface Topics {
    /** Published when a member's role or membership changes, so open sockets re-check access. */
    MEMBER_ACCESS_CHANGED: [{ memberId: string }];
  }
}

declare module '../../server/events' {
  interface DomainEvents {
    /** A member's profile, role, membership or suspension changed: their cached viewer is stale everywhere. */
    MEMBER_CHANGED: { memberId: string };
  }
}

/** Members, roles, sign-up and log-in, refresh tokens, and the viewer of every request. */
export const identityModule: HearthModule = {
  name: 'identity',
  entities: [Member, RefreshToken],
  resolvers: [AuthResolver, MemberResolver],
  authChecker,
  provide: ({ clock }) => ({ viewers: new ViewerCache(clock) }),
  loaders: (em) => createIdentityLoaders(em),
  prepareContext: resolveViewer,
  handlers: registerIdentityHandlers,
  start: (deps) => deps.viewers.listen(deps.pubSub),
  stop: [['viewer cache', (deps) => deps.viewers.stop()]],
};
