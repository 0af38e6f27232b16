import { bearerToken } from '../../server/access-token';
import type { Context, ContextInput } from '../../server/context';
import type { ViewerCache } from './viewer-cache';
import { isSuspended } from '../moderation/visibility';
import type { MemberRow } from './member.entity';

declare module '../../server/context' {
  interface DomainDeps {
    viewers: ViewerCache;
  }
  interface ViewerFields {
    viewer: MemberRow | null;
    /** Why a presented token was not accepted (expired, invalid, member gone); null if none was presented. */
    authProblem: string | null;
    /** When the presented access token expires; WebSocket operations re-check it. */
    tokenExpiresAt: Date | null;
  }
}

/** The auth problem of a suspended member's token (WebSocket operations close the socket on it). */
export const SUSPENDED_PROBLEM = 'This account is suspended.';

/** Resolves the viewer behind the request's bearer token, or says why there is none. */
export async function resolveViewer(context: Context, input: ContextInput): Promise<void> {
  const token = bearerToken(input.authorization);
  if (input.authorization !== undefined && input.authorization !== null && !token) {
    context.authProblem = 'The Authorization header must be "Bearer <accessToken>".';
    return;
  }
  if (!token) return;
  const claims = await context.accessTokens.verify(token);
  if (!claims) {
    context.authProblem = 'Your access token is invalid or has expired; refresh your session.';
    return;
  }
  const viewer = await context.viewers.get(claims.memberId, (id) => context.loaders.memberById.load(id));
  if (!viewer) {
    context.authProblem = 'This account no longer exists.';
    return;
  }
  if (isSuspended(viewer, context.clock.now())) {
    context.authProblem = SUSPENDED_PROBLEM;
    return;
  }
  context.viewer = viewer;
  context.tokenExpiresAt = claims.expiresAt;
}
