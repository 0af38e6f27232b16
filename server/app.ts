import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type express from 'express';
import type { WebSocket } from 'ws';
import { AccessTokens } from '../schema/identity/access-token';
import { VisitTracker } from '../schema/tracking/visit-tracker';
import { ViewerCache } from '../schema/identity/viewer-cache';
import { ViewableContent } from '../schema/tracking/viewable-content';
import { ViewWriter } from '../schema/tracking/view-writer';
import { EmailLinks } from '../schema/engagement/email-links';
import { registerEmailRoutes } from '../schema/engagement/email.routes';
import { LiveKitRooms } from '../live/room-client';
import { LiveKitWebhooks } from '../live/webhooks';
import { registerLiveKitWebhookRoute } from '../schema/live/livekit-webhook.route';
import { SessionRosters } from '../schema/live/session-roster';
import { systemClock, type Clock } from './clock';
import type { AppDeps } from './context';
import { migrateToLatest, openOrm, pendingMigrations, type Orm } from './db/orm';
import type { Config } from './env';
import { DomainEventBus } from './events';
import { createHttpApp, finishRoutes } from './http';
import { registerPageRoutes } from './pages/pages.routes';
import { createArmor } from './limits';
import { createLogger, type Logger } from './logger';
import { createHearthPubSub } from './pubsub';
import { RateLimits, type RateLimitPolicy } from './rate-limit';
import { buildHearthSchema, type ResolverClass } from './schema';
import { attachWebSocketServer } from './ws';
import { registerEventHandlers } from './event-handlers';

export interface HearthOptions {
  config: Config;
  /** The database to use (DATABASE_URL or the embedded one, resolved by the caller). */
  databaseUrl: string;
  clock?: Clock;
  logger?: Logger;
  rateLimits?: Partial<RateLimitPolicy>;
  /** Namespace for shared counters in Redis (tests isolate themselves with it). */
  redisKeyPrefix?: string;
  /** Resolvers added to the schema (benchmark baselines only). */
  extraResolvers?: ResolverClass[];
}

export interface Hearth {
  deps: AppDeps;
  url: string;
  wsUrl: string;
  httpServer: Server;
  /** The open WebSocket connections. */
  sockets(): WebSocket[];
  /** Subscriptions set up over WebSocket since start (each listening to its topics on this instance). */
  subscriptionsStarted(): number;
  /** Resolves once every topic subscribed so far is subscribed at the broker too (Redis). */
  subscriptionsSettled(): Promise<void>;
  stop(): Promise<void>;
}

/** `/ready`: the database answers and every migration is applied; 503 otherwise. */
function readinessRoute(app: express.Express, orm: Orm, logger: Logger): void {
  let migrated = false;
  app.get('/ready', async (_req, res) => {
    try {
      await orm.em.fork().execute('select 1');
      migrated ||= (await pendingMigrations(orm)) === 0;
      if (!migrated) {
        res.status(503).json({ status: 'migrating' });
        return;
      }
      res.json({ status: 'ready' });
    } catch (err) {
      logger.warn({ err }, 'readiness check failed');
      res.status(503).json({ status: 'database unavailable' });
    }
  });
}

/** Starts the API: migrations, GraphQL over HTTP and WebSocket on one port, health routes. */
export async function startHearth(options: HearthOptions): Promise<Hearth> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const orm = await openOrm(options.databaseUrl);
  const applied = await migrateToLatest(orm);
  if (applied.length) logger.info({ migrations: applied }, 'applied migrations');

  const pubSubHandle = createHearthPubSub(config.redisUrl);
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }) : undefined;
  const visitTracker = new VisitTracker(orm, clock, logger);
  const pubSub = pubSubHandle.pubSub;
  const deps: AppDeps = {
    config,
    logger,
    clock,
    orm,
    pubSub,
    accessTokens: new AccessTokens(config.jwtSecret, clock),
    rateLimits: new RateLimits(options.rateLimits ?? {}, redis, `${options.redisKeyPrefix ?? 'hearth'}:rl`),
    visitTracker,
    events: new DomainEventBus(logger),
    viewers: new ViewerCache(clock),
    viewWriter: new ViewWriter(options.databaseUrl, logger),
    viewableContent: new ViewableContent(),
    emailLinks: new EmailLinks(config.jwtSecret, config.publicUrl),
    liveRooms: new LiveKitRooms({ ...config.liveKit, url: config.liveKitApiUrl }),
    liveWebhooks: new LiveKitWebhooks(config.liveKit),
    rosters: new SessionRosters(orm, pubSub, clock),
  };
  deps.viewers.listen(deps.pubSub);
  deps.rosters.listen();
  registerEventHandlers(deps);

  const schema = await buildHearthSchema(deps.pubSub, options.extraResolvers);
  const armor = createArmor();
  const httpServer = createServer();
  const ws = attachWebSocketServer(httpServer, schema, deps, armor);
  const { app, apollo, listener } = await createHttpApp(httpServer, schema, deps, armor, [
    { serverWillStart: async () => ({ drainServer: () => ws.close() }) },
  ]);
  readinessRoute(app, orm, logger);
  registerEmailRoutes(app, deps);
  registerLiveKitWebhookRoute(app, deps);
  registerPageRoutes(app, deps);
  finishRoutes(app, deps);
  httpServer.on('request', listener);
  await new Promise<void>((resolve) => httpServer.listen(config.port, resolve));
  visitTracker.start(config.visitFlushMs);

  const { port } = httpServer.address() as AddressInfo;
  let stopping: Promise<void> | undefined;
  return {
    deps,
    httpServer,
    sockets: ws.sockets,
    subscriptionsStarted: ws.subscriptionsStarted,
    subscriptionsSettled: () => pubSubHandle.settled(),
    url: `http://localhost:${port}/graphql`,
    wsUrl: `ws://localhost:${port}/graphql`,
    stop: () =>
      (stopping ??= (async () => {
        // Apollo's drain plugins stop accepting, finish in-flight requests and close sockets (1001).
        await apollo.stop();
        await deps.events.idle();
        await deps.viewWriter.close();
        await visitTracker.stop();
        await deps.viewers.stop();
        await deps.rosters.stop();
        await pubSubHandle.close();
        await redis?.quit().catch(() => undefined);
        await orm.close();
      })()),
  };
}
