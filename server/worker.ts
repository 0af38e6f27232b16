import path from 'node:path';
import { createJobRunner, startJobs, type JobRunner } from '../jobs';
import type { JobBase, JobDeps } from '../jobs/job-deps';
import { modules } from '../schema/modules';
import { systemClock, type Clock } from './clock';
import { openOrm, pendingMigrations, type Orm } from './db/orm';
import { databaseTimeouts } from './db/pool';
import { EnvError, type Config } from './env';
import { createLogger, type Logger } from './logger';
import { createMailer, type Mailer } from './mailer';
import { createHearthPubSub, type HearthPubSub } from './pubsub';
import { configOrExit, onShutdownSignals, runMain, stopInOrder } from './process';

export interface WorkerOptions {
  config: Config;
  databaseUrl: string;
  /** Share the API's ORM when running in-process; a worker process opens its own. */
  orm?: Orm;
  clock?: Clock;
  logger?: Logger;
  mailer?: Mailer;
  /** Share the API's pub/sub when running in-process (notifications reach its sockets directly); a worker process opens its own. */
  pubSub?: HearthPubSub;
  /** How often Agenda looks for due jobs (tests poll faster). */
  processEveryMs?: number;
}

export interface Worker {
  deps: JobDeps;
  runner: JobRunner;
  stop(): Promise<void>;
}

/**
 * A worker process's own connections: digest batches run up to 4 at once with 8 sends each, and a
 * send holds a connection while it claims its row; 10 (the API's pool) made sends queue for one.
 */
export const WORKER_POOL_SIZE = 20;

const openWorkerOrm = (config: Config, databaseUrl: string, logger: Logger) =>
  openOrm(databaseUrl, { pool: { min: 0, max: WORKER_POOL_SIZE }, timeouts: databaseTimeouts(config), logger });

export function outboxDir(config: Config): string {
  return path.join(config.dataDir, 'outbox');
}

/** Starts the Agenda worker: the recurring rule evaluation, the digest jobs and the session reminders. */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const ownOrm = !options.orm;
  const orm = options.orm ?? (await openWorkerOrm(config, options.databaseUrl, logger));
  const mailer = options.mailer ?? createMailer({ smtpUrl: config.smtpUrl, outboxDir: outboxDir(config) });
  // Redis-backed when REDIS_URL is set, so a separate worker's notifications reach the API's subscribers.
  const ownPubSub = options.pubSub ? null : createHearthPubSub(config.redisUrl, { logger, keyPrefix: config.redisKeyPrefix });
  const pubSub = options.pubSub ?? ownPubSub!.pubSub;
  const stopping = new AbortController();
  const base = { config, orm, clock: options.clock ?? systemClock, logger, mailer };
  const jobBase: JobBase = { ...base, pubSub, stopping: stopping.signal };
  const deps = Object.assign({}, jobBase, ...modules.map((module) => module.jobServices?.(jobBase) ?? {})) as JobDeps;
  const runner = createJobRunner(deps, options.databaseUrl, {
    processEveryMs: options.processEveryMs,
    timeouts: databaseTimeouts(config),
    stopping,
  });
  await startJobs(runner, config);
  logger.info({ rulesEveryMs: config.rulesEveryMs, smtp: Boolean(config.smtpUrl) }, 'worker started');
  return {
    deps,
    runner,
    stop: () =>
      stopInOrder(logger, [
        ['jobs', () => runner.stop()],
        ['mailer', async () => !options.mailer && mailer.close()],
        ['pub/sub', async () => ownPubSub?.close()],
        ['database pool', async () => ownOrm && orm.close()],
      ]),
  };
}

/** A separate worker process waits for the API (or `npm run migrate`) to bring the schema up to date. */
async function waitForMigrations(orm: Orm, logger: Logger): Promise<void> {
  for (let attempt = 0; (await pendingMigrations(orm)) > 0; attempt++) {
    if (attempt === 0) logger.info('waiting for migrations to be applied (start the API or run npm run migrate)');
    if (attempt > 300) throw new Error('migrations are still pending after 10 minutes');
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

async function main(): Promise<void> {
  const config = configOrExit((parsed) => {
    if (!parsed.databaseUrl)
      throw new EnvError(
        'DATABASE_URL',
        'is required to run the worker on its own (npm start runs it in-process on the embedded database)',
      );
  });
  const databaseUrl = config.databaseUrl!;
  const logger = createLogger(config.logLevel);
  const orm = await openWorkerOrm(config, databaseUrl, logger);
  await waitForMigrations(orm, logger);
  const worker = await startWorker({ config, databaseUrl, orm, logger });
  onShutdownSignals(
    async () => {
      await worker.stop();
      await orm.close();
    },
    logger,
    'finishing the jobs in hand',
  );
}

if (require.main === module) runMain(main);
