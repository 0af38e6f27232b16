import 'reflect-metadata';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import path from 'node:path';
import { entities } from './entities';
import { migrationsList } from './migrations';

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

export async function openOrm(databaseUrl: string, overrides: Partial<Options> = {}): Promise<Orm> {
  return MikroORM.init(ormConfig(databaseUrl, overrides));
}

export async function migrateToLatest(orm: Orm): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((m) => m.name);
}

export async function pendingMigrations(orm: Orm): Promise<number> {
  return (await orm.migrator.getPending()).length;
}
