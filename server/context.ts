import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { AccessTokens } from './access-token';
import type { Clock } from './clock';
import type { Orm } from './db/orm';
import type { Config } from './env';
import type { DomainEventBus } from './events';
import { EventLoaders, type Loaders } from './loaders';
import type { HearthPubSub } from './pubsub';
import type { HearthModule } from './module';
import type { RateLimits } from './rate-limit';

/** The plumbing every domain shares, made by server/app.ts before the modules' collaborators. */
export interface BaseDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  orm: Orm;
  pubSub: HearthPubSub;
  accessTokens: AccessTokens;
  rateLimits: RateLimits;
  events: DomainEventBus;
  /** The database the process opened (some collaborators keep connections of their own). */
  databaseUrl: string;
  /** The domains (schema/modules.ts), passed in so that server/ imports them in one place only: app.ts. */
  modules: readonly HearthModule[];
}

/**
 * Process-wide collaborators of the domains (what each module's `provide` makes), merged in by
 * each domain: `declare module '../../server/context' { interface DomainDeps { ... } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainDeps {}

/** Process-wide collaborators, made once at start. */
export interface AppDeps extends BaseDeps, DomainDeps {}

/**
 * What a request's context knows about its viewer, declared by the identity domain (which
 * resolves it in its `prepareContext`).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ViewerFields {}

/** What every resolver receives: made once per HTTP request and once per WebSocket operation. */
export interface Context extends AppDeps, ViewerFields {
  em: EntityManager;
  loaders: Loaders;
  ip: string;
}

export interface ContextInput {
  authorization: unknown;
  ip: string;
  source?: unknown;
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
export function buildSharedContext(
  deps: AppDeps,
  eventLoaders = new EventLoaders(deps.modules, deps.orm.em.fork() as EntityManager),
): Context {
  const noViewer = (): never => {
    throw new ViewerInSharedExecutionError();
  };
  const context = {
    ...deps,
    em: eventLoaders.em,
    loaders: eventLoaders.forViewer(noViewer),
    authProblem: null,
    tokenExpiresAt: null,
    ip: '',
  };
  Object.defineProperty(context, 'viewer', { get: noViewer, enumerable: false });
  return context as unknown as Context;
}

const UNIT_OF_WORK = Symbol('the request’s loaders and EntityManager');

/**
 * What a request's context is an instance of: `em` is a getter of the prototype, forking the
 * request's EntityManager when first used (see EventLoaders); a join decided from a cached roster
 * never needs one. Apollo copies the context for each operation, keeping its prototype and its
 * own properties (the unit of work among them, under a symbol): a getter among the own properties
 * would fork at every copy, and take V8 off its fast object copy.
 */
class RequestContext {
  declare [UNIT_OF_WORK]: EventLoaders;

  get em(): EntityManager {
    return this[UNIT_OF_WORK].em;
  }
}

export async function buildContext(deps: AppDeps, input: ContextInput): Promise<Context> {
  const events = new EventLoaders(deps.modules, () => deps.orm.em.fork() as EntityManager);
  const context = Object.assign(new RequestContext(), {
    ...deps,
    [UNIT_OF_WORK]: events,
    loaders: undefined!,
    viewer: null,
    authProblem: null,
    tokenExpiresAt: null,
    ip: input.ip,
  }) as unknown as Context;
  context.loaders = events.forViewer(() => context.viewer?.id ?? null);
  for (const module of deps.modules) await module.prepareContext?.(context, input);
  return context;
}
