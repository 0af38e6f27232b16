import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { rebuildVisitDays } from '../schema/analytics/visit-day-rollup';
import { withDatabase } from '../server/db/database';
import { migrateToLatest } from '../server/db/orm';
import { EnvError, parseEnv } from '../server/env';
import { seedDemoCommunity } from './demo-community';

/** The period ends at today's UTC midnight: the same seed gives the same rows all day long. */
const startOfTodayUtc = () => new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);

const USAGE = 'usage: npm run seed:demo -- [--members 500] [--days 90] [--seed 42] [--reset]';

/** A positive integer option, or a one-line error naming it. */
function count(name: string, raw: string, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new Error(`--${name} must be an integer from 1 to ${max} (got "${raw}").\n${USAGE}`);
  return value;
}

/**
 * `npm run seed:demo`: the deterministic demo community on DATABASE_URL (or the embedded
 * database). Refuses a database that already has members unless --reset, and production always.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      members: { type: 'string', default: '500' },
      days: { type: 'string', default: '90' },
      seed: { type: 'string', default: '42' },
      reset: { type: 'boolean', default: false },
    },
  });
  const config = parseEnv();
  if (config.nodeEnv === 'production') throw new Error('The demo community is demo data: refused with NODE_ENV=production.');
  const options = {
    members: count('members', values.members, 2_000_000),
    days: count('days', values.days, 3650),
    seed: count('seed', values.seed, 2 ** 31),
    now: startOfTodayUtc(),
  };
  await withDatabase(config, async (orm) => {
    await migrateToLatest(orm);
    const em = orm.em.fork() as EntityManager;
    const [{ members }] = await em.execute<{ members: number }[]>('select count(*)::int as members from member');
    if (members > 0 && !values.reset)
      throw new Error(`The database already has ${members} members; pass --reset to replace everything with the demo.`);
    if (values.reset) {
      const tables = await em.execute<{ tablename: string }[]>(
        `select tablename from pg_tables where schemaname = current_schema() and tablename <> 'mikro_orm_migrations'`,
      );
      await em.execute(`truncate ${tables.map((t) => `"${t.tablename}"`).join(', ')} cascade`);
    }
    // The visit-day rollup in the community's zone before the load, so that COPY's triggers fill it.
    await rebuildVisitDays(em, config.communityTimezone);
    const started = performance.now();
    const demo = await seedDemoCommunity(em, options);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `Seeded ${demo.members} members, ${demo.visits} visits, ${demo.items} items in ${seconds} s. Demo password: "${demo.password}"`,
    );
    for (const login of demo.logins) console.log(`  ${login.role.padEnd(8)} ${login.email}${login.habit ? `  (${login.habit})` : ''}`);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error && !(error instanceof EnvError) ? error.message : error);
  process.exit(1);
});
