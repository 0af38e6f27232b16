import type { EntityManager } from '@mikro-orm/postgresql';
import type express from 'express';
import type { AuthChecker } from 'type-graphql';
import type { JobBase, JobDefinition } from '../jobs/job-deps';
import type { AppDeps, BaseDeps, Context, ContextInput } from './context';
import type { JsonRoute } from './json-route';

/** A class type-graphql takes as a resolver. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type ResolverClass = Function;

/** A MikroORM entity class (decorated with @Entity). */
export type EntityClass = abstract new (...args: never[]) => object;

/**
 * What a domain brings to the process, exported as the default of `schema/<domain>/index.ts` and
 * listed once in `schema/modules.ts`. server/ folds the list and knows no domain by name.
 *
 * Types a domain adds to the shared maps are declared beside its code by interface merging:
 * `Topics` (server/pubsub.ts), `DomainEvents` (server/events.ts), `SharedLoaders` and
 * `ViewerKeyedLoaders` (server/loaders.ts),
 * `DomainDeps` and `ViewerFields` (server/context.ts), `JobServices` (jobs/job-deps.ts).
 */
export interface HearthModule {
  name: string;
  /** Persisted entities (each with its migration in server/db/migrations). */
  entities?: readonly EntityClass[];
  /** GraphQL resolver classes. */
  resolvers?: readonly ResolverClass[];
  /** Decides `@Authorized(...)` (one module provides it: identity). */
  authChecker?: AuthChecker<Context, any>;
  /** Process-wide collaborators, made once at start; they become part of every context (DomainDeps). */
  provide?(base: BaseDeps): object;
  /**
   * Per-request DataLoaders whose answers are the same for every viewer (types merged into
   * SharedLoaders). `em` gives the unit of work's EntityManager: call it when a batch runs, never
   * while making the loaders, so that a request whose loaders never query forks none.
   */
  loaders?(em: () => EntityManager): object;
  /** Loaders of per-viewer answers, ViewerKeyedLoader each (types merged into ViewerKeyedLoaders); `em` as for `loaders`. */
  viewerLoaders?(em: () => EntityManager): object;
  /**
   * What a request's context needs from this domain, in list order (identity resolves the
   * viewer first; tracking then records the viewer's activity).
   */
  prepareContext?(context: Context, input: ContextInput): Promise<void>;
  /**
   * Reactions to domain events (DomainEvents), the only place for what follows a commit:
   * notifications, realtime messages, cache invalidations (`beforeAnswer`), recordings, visits.
   */
  handlers?(deps: AppDeps): void;
  /** HTTP routes besides /graphql. */
  routes?(app: express.Express, deps: AppDeps): void;
  /** Hot JSON endpoints served on node:http before Express (server/json-route.ts), each with the request's context. */
  jsonRoutes?: readonly JsonRoute[];
  /** Starts listening (pub/sub, timers) once every module's collaborators exist. */
  start?(deps: AppDeps): void;
  /** Stopped in list order after HTTP and the event handlers, before pub/sub, Redis and the database. */
  stop?: readonly (readonly [label: string, stop: (deps: AppDeps) => Promise<void>])[];
  /** Agenda jobs the worker runs (their services come from `jobServices`). */
  jobs?: readonly JobDefinition[];
  /** Collaborators the domain's jobs need, made once per worker (merged into JobServices). */
  jobServices?(base: JobBase): object;
}
