import { Pool, type PoolClient, type PoolConfig } from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../env';
import { throttledWarning } from '../unavailable';

/** Bounded waits on the database (DATABASE_ACQUIRE_TIMEOUT, DATABASE_STATEMENT_TIMEOUT). */
export interface DatabaseTimeouts {
  acquireMs: number;
  statementMs: number;
}

export const databaseTimeouts = (config: Pick<Config, 'databaseAcquireTimeoutMs' | 'databaseStatementTimeoutMs'>): DatabaseTimeouts => ({
  acquireMs: config.databaseAcquireTimeoutMs,
  statementMs: config.databaseStatementTimeoutMs,
});

/**
 * How much longer than the statement timeout the client waits for an answer. A server that is
 * alive cancels the statement itself (a clean error, the connection stays usable); one that is
 * frozen or cut off never answers, and the client gives up after this margin.
 */
const CLIENT_MARGIN_MS = 2_000;

/**
 * Session settings of the pools that serve requests and jobs: no JIT compilation. PostgreSQL
 * compiles a statement whose estimated cost passes `jit_above_cost`, which a search for a common
 * word or a KPI over a year does; compiling took 1.6 s of a 3 s search (P-search) for statements
 * that run in milliseconds to a few hundred. A connection string's own `options` win over this.
 */
export const REQUEST_SESSION_OPTIONS = '-c jit=off';

/** `pg` pool settings for the timeouts; none (migrations, the seed) leaves statements unbounded and JIT as configured. */
export function poolTimeouts(timeouts: DatabaseTimeouts | undefined): PoolConfig {
  const base: PoolConfig = { keepAlive: true };
  if (!timeouts) return base;
  return {
    ...base,
    options: REQUEST_SESSION_OPTIONS,
    connectionTimeoutMillis: timeouts.acquireMs,
    statement_timeout: timeouts.statementMs,
    query_timeout: timeouts.statementMs + CLIENT_MARGIN_MS,
  };
}

/**
 * Listens for the `'error'` events a pool and its connections emit when PostgreSQL goes away (an
 * `'error'` without a listener ends the process): idle connections report on the pool, checked-out
 * ones on themselves. Queries in flight reject on their own; the pool replaces what broke, so the
 * next request reconnects by itself once the server is back. Logged once per 10 s, not per connection.
 */
export function watchPool(pool: Pool, logger: Logger, name: string): Pool {
  const throttled = throttledWarning(logger, `${name}: a database connection failed`);
  // A pool being closed (shutdown) may see its last connections cut: nothing to report.
  const warn = (err: unknown) => pool.ending || throttled(err);
  pool.on('error', warn);
  pool.on('connect', (client) => client.on('error', warn));
  reclaimDeadConnections(pool);
  return pool;
}

/** How long the holder of a dead connection has to release it before the pool takes it back. */
const RECLAIM_AFTER_MS = 2_000;

/**
 * Gives back to the pool a connection that died while checked out and that its holder never
 * released. Kysely's controlled transactions (MikroORM's `transactional`) skip the release when
 * ROLLBACK or COMMIT fails on a dead connection: each such connection stayed counted in the pool
 * forever, so after a database restart the pool had fewer connections (none, after `max` of them:
 * every request then timed out) and never closed. pg-pool removes a dead connection when it is
 * released, through its public `release(err)`.
 */
function reclaimDeadConnections(pool: Pool): void {
  const held = new Set<PoolClient>();
  pool.on('acquire', (client) => held.add(client));
  pool.on('release', (_err, client) => held.delete(client));
  pool.on('remove', (client) => held.delete(client as PoolClient));
  pool.on('connect', (client) =>
    client.once('end', () => {
      if (!held.has(client)) return;
      setTimeout(() => {
        if (!held.delete(client)) return;
        try {
          client.release(new Error('the connection was lost while checked out'));
        } catch {
          // released meanwhile
        }
      }, RECLAIM_AFTER_MS).unref();
    }),
  );
}

/** `pipeline`: each connection sends a query without waiting for the answers to those before it (node-postgres's pipeline mode). */
export function createPool(
  databaseUrl: string,
  options: { max: number; timeouts?: DatabaseTimeouts; logger: Logger; name: string; pipeline?: boolean },
): Pool {
  return watchPool(
    new Pool({ connectionString: databaseUrl, max: options.max, pipeline: options.pipeline, ...poolTimeouts(options.timeouts) }),
    options.logger,
    options.name,
  );
}
