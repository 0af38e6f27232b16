import cluster from 'node:cluster';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { startHearth, type Hearth } from './app';
import { resolveDatabase } from './db/database';
import type { Config } from './env';
import { createLogger } from './logger';
import { clusterWorkerIndex, reportReady, startCluster } from './cluster';
import { configOrExit, onShutdownSignals, runMain, stopInOrder } from './process';
import { demoAccess, type DemoAccess } from '../seed/demo-access';
import type { DemoCommunity } from '../seed/demo-community';
import { prepareCommunity } from '../seed/prepare-community';
import { outboxDir, startWorker, type Worker } from './worker';

interface Startup {
  /** The community seeded by this start, if it did. */
  seeded: DemoCommunity | null;
  /** The demo logins this database has, whichever start seeded them. */
  demo: DemoAccess | null;
}

function printBanner(hearth: Hearth, config: Config, { seeded, demo }: Startup, embedded: boolean, worker: Worker | null): void {
  const lines = [
    '',
    `  Hearth is running for "${config.communityName}"`,
    `  Start here (GraphiQL, demo logins):    ${hearth.url.replace(/graphql$/, '')}`,
    `  GraphQL (Apollo Sandbox in a browser): ${hearth.url}`,
    `  Subscriptions (graphql-ws):            ${hearth.wsUrl}`,
    `  Admin console:                         ${hearth.url.replace(/\/graphql$/, '/admin')}`,
    `  Database: ${embedded ? `embedded PostgreSQL under ${config.dataDir}` : 'DATABASE_URL'}; pub/sub: ${config.redisUrl ? 'Redis' : 'in memory'}`,
    `  Jobs: ${worker ? 'worker running in this process' : 'run `npm run worker` separately'}; emails: ${config.smtpUrl ? 'SMTP_URL' : `.eml files in ${outboxDir(config)}`}`,
  ];
  if (seeded)
    lines.push('', `  Seeded the demo community: ${seeded.members} members, ${seeded.visits} visits, ${seeded.items} published items.`);
  if (demo) {
    lines.push('', `  Demo logins, all with the password "${demo.password}":`);
    for (const login of demo.logins) lines.push(`    ${login.role.padEnd(8)} ${login.email}${login.habit ? `  (${login.habit})` : ''}`);
  }
  if (config.adminEmail) lines.push('', `  Admin: ${config.adminEmail} (password from HEARTH_ADMIN_PASSWORD)`);
  console.log(lines.join('\n') + '\n');
}

/**
 * WEB_CONCURRENCY > 1: this process starts the database once (the embedded one, if no
 * DATABASE_URL) and runs that many API processes on one port (server/cluster.ts); the first one
 * runs the in-process job worker, if any, and prints the banner. SIGTERM stops them, then the
 * embedded database.
 */
async function primary(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel);
  const database = await resolveDatabase(config);
  const running = await startCluster({
    workers: config.webConcurrency,
    env: { DATABASE_URL: database.url, HEARTH_WORKER_IN_PROCESS: 'false' },
    firstEnv: { HEARTH_WORKER_IN_PROCESS: String(config.workerInProcess) },
    logger,
  }).catch(async (error: unknown) => {
    await database.embedded?.stop();
    throw error;
  });
  logger.info({ processes: config.webConcurrency, url: running.url }, 'API processes running');
  onShutdownSignals(
    () =>
      stopInOrder(logger, [
        ['API processes', () => running.stop()],
        ['embedded PostgreSQL', async () => database.embedded?.stop()],
      ]),
    logger,
    'stopping the API processes',
  );
}

export async function main(): Promise<void> {
  const config = configOrExit();
  if (config.webConcurrency > 1 && cluster.isPrimary) return primary(config);
  const logger = createLogger(config.logLevel);
  const database = await resolveDatabase(config);
  // dist/server/api.js next to dist/admin, which `npm run build` writes.
  const hearth = await startHearth({
    config,
    databaseUrl: database.url,
    logger,
    adminDir: path.resolve(__dirname, '../admin'),
    preparing: 'preparing the community (bootstrap admin, demo seed)',
  });
  const seeded = await prepareCommunity(hearth, config);
  // Ready only now: a demo login sent when /ready first answered found no member yet.
  hearth.startup.step = null;
  const demo = await demoAccess(hearth.deps.orm.em.fork() as EntityManager, config);
  const worker = config.workerInProcess
    ? await startWorker({
        config,
        databaseUrl: database.url,
        orm: hearth.deps.orm,
        logger,
        clock: hearth.deps.clock,
        pubSub: hearth.deps.pubSub,
      })
    : null;
  const index = clusterWorkerIndex();
  if (index === null || index === 0) printBanner(hearth, config, { seeded, demo }, Boolean(database.embedded), worker);
  // The embedded PostgreSQL stops last, once nothing holds a connection to it any more.
  onShutdownSignals(
    () =>
      stopInOrder(logger, [
        ['worker', async () => worker?.stop()],
        ['API', () => hearth.stop()],
        ['embedded PostgreSQL', async () => database.embedded?.stop()],
      ]),
    logger,
    'finishing in-flight requests',
  );
  reportReady(hearth.url);
}

if (require.main === module) runMain(main);
