import type { AuthChecker } from 'type-graphql';
import { Role } from './member.entity';
import type { Context } from '../../server/context';
import { forbidden, unauthenticated } from '../../server/errors';

/**
 * `@Authorized()` needs a logged-in member; `@Authorized(Role.ADMIN, ...)` one of those roles.
 * Throws the typed errors itself so clients get UNAUTHENTICATED (refresh and retry) or FORBIDDEN.
 */
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  const viewer = context.viewer;
  if (!viewer) throw unauthenticated(context.authProblem ?? 'You must be logged in.');
  if (roles.length && !roles.includes(viewer.role)) throw forbidden();
  return true;
};

export function requireViewer(context: Pick<Context, 'viewer' | 'authProblem'>) {
  if (!context.viewer) throw unauthenticated(context.authProblem ?? 'You must be logged in.');
  return context.viewer;
}

export const isAdmin = (context: Pick<Context, 'viewer'>) => context.viewer?.role === Role.ADMIN;

/** A member's private details (contact, account, interests, engagement) are for them and admins. */
export const isSelfOrAdmin = (context: Pick<Context, 'viewer'>, memberId: string) => context.viewer?.id === memberId || isAdmin(context);
