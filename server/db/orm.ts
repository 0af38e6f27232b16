import 'reflect-metadata';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import path from 'node:path';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { entities } from './entities';
import { migrationsList } from './migrations';
import { poolTimeouts, watchPool, type DatabaseTimeouts } from './pool';

export type Orm = MikroORM;
export type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Migrations are listed explicitly (migrations/index.ts) rather than globbed, so the same list
 * runs from compiled JS, from jest and from the CLI. Schema sync is never used.
 */
export function ormConfig(databaseUrl: string, overrides: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl: databaseUrl,
    entities,
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: true },
    forceUtcTimezone: true,
    pool: { min: 0, max: 10 },
    migrations: {
      tableName: 'mikro_orm_migrations',
      silent: true,
      // Where `npm run migrate:create` writes (run from the project root); execution uses migrationsList.
      path: path.resolve('server/db/migrations'),
      pathTs: path.resolve('server/db/migrations'),
      migrationsList,
      emit: 'ts',
      snapshot: true,
      snapshotName: '.snapshot-hearth',
      transactional: true,
      allOrNothing: true,
    },
    ...overrides,
  });
}

export interface OrmOptions {
  pool?: { min: number; max: number };
  /** Bounded waits for requests and jobs; omitted for migrations and the seed, whose statements may run long. */
  timeouts?: DatabaseTimeouts;
  /** Where the pool's lost connections are reported. */
  logger?: Logger;
  /**
   * Whether applying migrations rewrites migrations/.snapshot-hearth.json from the migrated
   * database when they differ (MikroORM's default, kept for `npm run migrate`). Tests turn it off:
   * they must not write the source tree, and server/db/migrations-snapshot.test.ts checks the
   * committed snapshot instead.
   */
  snapshotOnMigrate?: boolean;
}

export async function openOrm(databaseUrl: string, options: OrmOptions = {}): Promise<Orm> {
  const { pool, timeouts, logger, snapshotOnMigrate = true } = options;
  const driverOptions = {
    ...poolTimeouts(timeouts),
    onPoolCreated: (created: Pool) => logger && watchPool(created, logger, 'database pool'),
  };
  const config = ormConfig(databaseUrl, { ...(pool ? { pool } : {}), driverOptions });
  return MikroORM.init({ ...config, migrations: { ...config.migrations, snapshotOnMigrate } });
}

export async function migrateToLatest(orm: Orm): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((m) => m.name);
}

/**
 * Applies pending migrations on a connection of their own without the request timeouts: an index
 * built on a large table may take longer than any request should.
 */
export async function applyMigrations(databaseUrl: string, orm: Orm): Promise<string[]> {
  if ((await pendingMigrations(orm)) === 0) return [];
  const unbounded = await openOrm(databaseUrl);
  try {
    return await migrateToLatest(unbounded);
  } finally {
    await unbounded.close();
  }
}

export async function pendingMigrations(orm: Orm): Promise<number> {
  return (await orm.migrator.getPending()).length;
}
