import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { AccessTokens } from '../schema/identity/access-token';
import { bearerToken } from '../schema/identity/access-token';
import type { Member } from '../schema/identity/member.entity';
import type { VisitTracker } from '../schema/tracking/visit-tracker';
import type { ViewerCache } from '../schema/identity/viewer-cache';
import type { ViewWriter } from '../schema/tracking/view-writer';
import type { ViewableContent } from '../schema/tracking/viewable-content';
import type { EmailLinks } from '../schema/engagement/email-links';
import type { LiveRooms } from '../integrations/livekit/room-client';
import type { LiveKitWebhooks } from '../integrations/livekit/webhooks';
import type { SessionRosters } from '../schema/live/sessions/session-roster';
import { VisitSource } from '../schema/tracking/visit.entity';
import { isSuspended } from '../schema/moderation/visibility';
import type { Clock } from './clock';
import type { Orm } from './db/orm';
import type { Config } from './env';
import type { DomainEventBus } from './events';
import { createLoaders, EventLoaders, type Loaders } from './loaders';
import type { HearthPubSub } from './pubsub';
import type { RateLimits } from './rate-limit';

/** Process-wide collaborators, made once at start. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  orm: Orm;
  pubSub: HearthPubSub;
  accessTokens: AccessTokens;
  rateLimits: RateLimits;
  visitTracker: VisitTracker;
  events: DomainEventBus;
  viewers: ViewerCache;
  viewWriter: ViewWriter;
  /** Items known to accept views (published or archived), so heartbeats skip the lookup. */
  viewableContent: ViewableContent;
  emailLinks: EmailLinks;
  /** LiveKit's room and egress APIs (a recording fake in tests). */
  liveRooms: LiveRooms;
  liveWebhooks: LiveKitWebhooks;
  rosters: SessionRosters;
}

/** What every resolver receives: made once per HTTP request and once per WebSocket operation. */
export interface Context extends AppDeps {
  em: EntityManager;
  loaders: Loaders;
  viewer: Member | null;
  /** Why a presented token was not accepted (expired, invalid, member gone); null if none was presented. */
  authProblem: string | null;
  /** When the presented access token expires; WebSocket operations re-check it. */
  tokenExpiresAt: Date | null;
  ip: string;
}

export interface ContextInput {
  authorization: unknown;
  ip: string;
  source?: unknown;
}

function visitSource(raw: unknown): VisitSource {
  return typeof raw === 'string' && raw.toUpperCase() in VisitSource ? (raw.toUpperCase() as VisitSource) : VisitSource.DIRECT;
}

/**
 * Thrown when work done once for many subscribers (a shared check, a broadcast execution) asks for
 * the viewer, or uses a per-viewer loader: that work was wrongly taken for viewer-independent.
 * It fails there, and reaches clients as an internal error, rather than answer for someone else.
 */
export class ViewerInSharedExecutionError extends Error {
  constructor() {
    super('A shared (viewer-independent) execution asked for the viewer: the field is not shareable.');
    this.name = 'ViewerInSharedExecutionError';
  }
}

/**
 * A context with no viewer at all, for what is done once for many subscribers. It is not a
 * context "as nobody": reading `viewer` or a per-viewer loader throws (see above). A copy made by
 * spreading it has no viewer, so it answers as for an anonymous request. `eventLoaders` lets the
 * per-viewer executions of the same event share what this context loads (subscriptions.ts).
 */
export function buildSharedContext(deps: AppDeps, eventLoaders = new EventLoaders(deps.orm.em.fork() as EntityManager)): Context {
  const noViewer = (): never => {
    throw new ViewerInSharedExecutionError();
  };
  const context = { ...deps, em: eventLoaders.em, loaders: eventLoaders.forViewer(noViewer), authProblem: null, tokenExpiresAt: null, ip: '' };
  Object.defineProperty(context, 'viewer', { get: noViewer, enumerable: false });
  return context as Context;
}

/** The auth problem of a suspended member's token (WebSocket operations close the socket on it). */
export const SUSPENDED_PROBLEM = 'This account is suspended.';

export async function buildContext(deps: AppDeps, input: ContextInput): Promise<Context> {
  const em = deps.orm.em.fork() as EntityManager;
  const context: Context = { ...deps, em, loaders: undefined!, viewer: null, authProblem: null, tokenExpiresAt: null, ip: input.ip };
  const loaders = (context.loaders = createLoaders(em, () => context.viewer?.id ?? null));
  const token = bearerToken(input.authorization);
  if (input.authorization !== undefined && input.authorization !== null && !token) {
    context.authProblem = 'The Authorization header must be "Bearer <accessToken>".';
    return context;
  }
  if (!token) return context;
  const claims = await deps.accessTokens.verify(token);
  if (!claims) {
    context.authProblem = 'Your access token is invalid or has expired; refresh your session.';
    return context;
  }
  const viewer = await deps.viewers.get(claims.memberId, (id) => loaders.memberById.load(id));
  if (!viewer) {
    context.authProblem = 'This account no longer exists.';
    return context;
  }
  if (isSuspended(viewer, deps.clock.now())) {
    context.authProblem = SUSPENDED_PROBLEM;
    return context;
  }
  context.viewer = viewer;
  context.tokenExpiresAt = claims.expiresAt;
  await deps.visitTracker.recordActivity(viewer.id, deps.clock.now(), visitSource(input.source));
  return context;
}
