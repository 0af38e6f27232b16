import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { startHearth, type Hearth } from './app';
import { resolveDatabase } from './db/database';
import type { Config } from './env';
import { createLogger } from './logger';
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

export async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  const database = await resolveDatabase(config);
  // dist/server/api.js next to dist/admin, which `npm run build` writes.
  const hearth = await startHearth({ config, databaseUrl: database.url, logger, adminDir: path.resolve(__dirname, '../admin') });
  const seeded = await prepareCommunity(hearth, config);
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
  printBanner(hearth, config, { seeded, demo }, Boolean(database.embedded), worker);
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
}

if (require.main === module) runMain(main);
