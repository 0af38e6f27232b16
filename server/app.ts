import type { GraphQLSchema } from 'graphql';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebSocket } from 'ws';
import { systemClock, type Clock } from './clock';
import { modules } from '../schema/modules';
import { AccessTokens } from './access-token';
import type { AppDeps, BaseDeps } from './context';
import { applyMigrations, openOrm } from './db/orm';
import { databaseTimeouts } from './db/pool';
import type { Config } from './env';
import { DomainEventBus } from './events';
import { createHttpApp, finishRoutes } from './http';
import { createQueryLimits } from './limits';
import { createLogger, type Logger } from './logger';
import { StartupError, stopInOrder } from './process';
import { createHearthPubSub } from './pubsub';
import { readinessRoute, type Startup } from './readiness';
import { RedisConnections } from './redis';
import { RateLimits, type RateLimitPolicy } from './rate-limit';
import { buildHearthSchema, type ResolverClass } from './schema';
import { attachWebSocketServer } from './ws';
import { installedTypeGraphQLVersion, TYPE_GRAPHQL_VERSION } from './type-graphql-adapter';
import { registerAdminConsole } from './admin-console';
import { registerEventHandlers } from './event-handlers';

export interface HearthOptions {
  config: Config;
  /** The database to use (DATABASE_URL or the embedded one, resolved by the caller). */
  databaseUrl: string;
  clock?: Clock;
  logger?: Logger;
  rateLimits?: Partial<RateLimitPolicy>;
  /** Resolvers added to the schema (benchmark baselines, tests that need a field of their own). */
  extraResolvers?: ResolverClass[];
  /**
   * The schema to serve, as buildHearthSchema builds it for `extraResolvers` and the config's
   * directFieldResolvers; built here when not given. It holds no instance's state: the servers of
   * one process may share one (test servers do).
   */
  schema?: GraphQLSchema;
  /** The built admin console (dist/admin) to serve at /admin; without it /admin answers 503. */
  adminDir?: string | null;
  /**
   * Set when the caller prepares more before the server serves as it should (the demo seed):
   * /ready answers 503 `starting` with this step until `hearth.startup.step` is set to null.
   */
  preparing?: string;
}

export interface Hearth {
  deps: AppDeps;
  /** What /ready reports the process still prepares (see HearthOptions.preparing). */
  startup: Startup;
  /** The executable schema this server answers with. */
  schema: GraphQLSchema;
  url: string;
  wsUrl: string;
  httpServer: Server;
  /** The open WebSocket connections. */
  sockets(): WebSocket[];
  /** Checks shared by subscribers on this instance, running now (one per subscription and arguments whose check is viewer-independent). */
  sharedSubscriptionSources(): number;
  /** Subscription operations executed for events since start: per event, one per distinct answer of a shared operation's per-viewer fields. */
  subscriptionExecutions(): number;
  /** Subscriptions set up over WebSocket since start (each listening to its topics on this instance). */
  subscriptionsStarted(): number;
  /** Resolves once every topic subscribed so far is subscribed at the broker too (Redis). */
  subscriptionsSettled(): Promise<void>;
  stop(): Promise<void>;
}

/** How long a start waits for Redis before going on without it. */
const REDIS_START_WAIT_MS = 3_000;

async function listen(httpServer: ReturnType<typeof createServer>, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new StartupError(`PORT ${port} is already in use (another Hearth?): stop it or set PORT to a free port.`)
          : error,
      ),
    );
    httpServer.listen(port, resolve);
  });
}

/** Starts the API: migrations, GraphQL over HTTP and WebSocket on one port, health routes. */
export async function startHearth(options: HearthOptions): Promise<Hearth> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const timeouts = databaseTimeouts(config);
  const orm = await openOrm(options.databaseUrl, { timeouts, logger });
  const applied = await applyMigrations(options.databaseUrl, orm);
  if (applied.length) logger.info({ migrations: applied }, 'applied migrations');

  const redis = config.redisUrl ? new RedisConnections(config.redisUrl, logger) : undefined;
  const pubSubHandle = createHearthPubSub(config.redisUrl, { connections: redis, logger, keyPrefix: config.redisKeyPrefix });
  // Rate limits never wait for Redis: without it they count per process (RateLimits).
  const rateLimitRedis = redis?.open('rate-limit', { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1_000 });
  if (redis && !(await redis.whenReady(REDIS_START_WAIT_MS))) logger.warn('starting without Redis: degraded until it is reachable');
  const pubSub = pubSubHandle.pubSub;
  const base: BaseDeps = {
    config,
    logger,
    clock,
    orm,
    pubSub,
    accessTokens: new AccessTokens(config.jwtSecret, clock),
    rateLimits: new RateLimits(options.rateLimits ?? {}, rateLimitRedis, `${config.redisKeyPrefix}:rl`),
    events: new DomainEventBus(logger),
    databaseUrl: options.databaseUrl,
    modules,
  };
  const deps = Object.assign(base, ...modules.map((module) => module.provide?.(base) ?? {})) as AppDeps;
  for (const module of modules) module.start?.(deps);
  registerEventHandlers(deps);

  const typeGraphQLVersion = installedTypeGraphQLVersion();
  if (config.directFieldResolvers && typeGraphQLVersion !== TYPE_GRAPHQL_VERSION) {
    logger.warn(
      { installed: typeGraphQLVersion, writtenFor: TYPE_GRAPHQL_VERSION },
      'server/type-graphql-adapter.ts was written for another type-graphql: field resolvers go through type-graphql until it is checked',
    );
  }
  const schema =
    options.schema ??
    (await buildHearthSchema({ extraResolvers: options.extraResolvers, directFieldResolvers: config.directFieldResolvers }));
  const limits = createQueryLimits({ introspection: config.introspection });
  const httpServer = createServer();
  const ws = attachWebSocketServer(httpServer, schema, deps, limits);
  const { app, apollo, listener } = await createHttpApp(httpServer, schema, deps, limits, [
    { serverWillStart: async () => ({ drainServer: () => ws.close() }) },
  ]);
  const startup: Startup = { step: options.preparing ?? null };
  readinessRoute(app, orm, logger, redis, startup);
  registerAdminConsole(app, options.adminDir ?? null, logger);
  for (const module of modules) module.routes?.(app, deps);
  finishRoutes(app, deps);
  httpServer.on('request', listener);
  await listen(httpServer, config.port);

  const { port } = httpServer.address() as AddressInfo;
  let stopping: Promise<void> | undefined;
  return {
    deps,
    startup,
    schema,
    httpServer,
    sockets: ws.sockets,
    sharedSubscriptionSources: ws.sharedSubscriptionSources,
    subscriptionExecutions: ws.subscriptionExecutions,
    subscriptionsStarted: ws.subscriptionsStarted,
    subscriptionsSettled: () => pubSubHandle.settled(),
    url: `http://localhost:${port}/graphql`,
    wsUrl: `ws://localhost:${port}/graphql`,
    stop: () =>
      (stopping ??= stopInOrder(logger, [
        // Apollo's drain plugins stop accepting, finish in-flight requests and close sockets (1001).
        ['HTTP and WebSocket', () => apollo.stop()],
        ['domain event handlers', () => deps.events.idle()],
        ...modules.flatMap((module) =>
          (module.stop ?? []).map(([label, stop]): [string, () => Promise<unknown>] => [label, () => stop(deps)]),
        ),
        ['pub/sub', () => pubSubHandle.close()],
        // Every Redis connection: one left open keeps the process alive.
        ['Redis', async () => redis?.close()],
        ['database pool', () => orm.close()],
      ])),
  };
}
