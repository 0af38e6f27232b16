import type { Config } from '../env';
import { createLogger } from '../logger';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded';
import { openOrm, type Orm } from './orm';

export interface DatabaseHandle {
  url: string;
  embedded?: EmbeddedDatabase;
}

/** DATABASE_URL when set, the embedded PostgreSQL under the data folder otherwise. */
export async function resolveDatabase(config: Config): Promise<DatabaseHandle> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const embedded = await startEmbeddedPostgres({
    folder: config.dataDir,
    port: config.embeddedPostgresPort,
    logger: createLogger(config.logLevel),
  });
  return { url: embedded.url, embedded };
}

/** Opens the database for a one-off command and always closes it (and the embedded server). */
export async function withDatabase<T>(config: Config, work: (orm: Orm) => Promise<T>): Promise<T> {
  const database = await resolveDatabase(config);
  const orm = await openOrm(database.url);
  try {
    return await work(orm);
  } finally {
    await orm.close();
    await database.embedded?.stop();
  }
}
