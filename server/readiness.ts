import type express from 'express';
import { pendingMigrations, type Orm } from './db/orm';
import type { Logger } from './logger';
import type { RedisConnections } from './redis';
import { throttledWarning } from './unavailable';

/** What an API process still does before it serves as it should; `step` null once it does. */
export interface Startup {
  step: string | null;
}

/** /ready answers within this even when the database does not (frozen, cut off): probes are short. */
export const READY_DATABASE_TIMEOUT_MS = 1_500;

function withinTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the database did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `/ready`, for load balancers and orchestrators:
 * - 200 `{ status: "ready" }`: the database answers, every migration is applied, Redis (when
 *   configured) is connected;
 * - 200 `{ status: "degraded", redis: "down" }`: Redis is away. The instance still serves every
 *   query and mutation (rate limits count per process meanwhile), so it stays in rotation; realtime
 *   subscriptions are refused with SERVICE_UNAVAILABLE until Redis is back;
 * - 503 `{ status: "unavailable", database: "down" }`: the database did not answer within 1.5 s;
 * - 503 `{ status: "migrating" }`: migrations are still pending;
 * - 503 `{ status: "starting", step }`: the process is still preparing what it serves (the demo
 *   community being seeded): a login sent now could find no member yet.
 */
export function readinessRoute(
  app: express.Express,
  orm: Orm,
  logger: Logger,
  redis: RedisConnections | undefined,
  startup: Startup,
): void {
  let migrated = false;
  const warn = throttledWarning(logger, 'readiness check failed: the database does not answer');
  app.get('/ready', async (_req, res) => {
    const redisState = redis ? (redis.available ? 'up' : 'down') : undefined;
    try {
      await withinTimeout(orm.em.fork().execute('select 1'), READY_DATABASE_TIMEOUT_MS);
      migrated ||= (await withinTimeout(pendingMigrations(orm), READY_DATABASE_TIMEOUT_MS)) === 0;
    } catch (err) {
      warn(err);
      res.status(503).json({ status: 'unavailable', database: 'down', redis: redisState });
      return;
    }
    if (!migrated) res.status(503).json({ status: 'migrating', database: 'up', redis: redisState });
    else if (startup.step) res.status(503).json({ status: 'starting', step: startup.step, database: 'up', redis: redisState });
    else res.json({ status: redisState === 'down' ? 'degraded' : 'ready', database: 'up', redis: redisState });
  });
}
