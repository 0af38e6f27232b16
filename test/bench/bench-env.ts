import { Client } from 'pg';

/** LiveKit settings for benchmark processes, which run with NODE_ENV=production (where they are required): `livekit-server --dev`'s. */
export const BENCH_LIVEKIT_ENV = { LIVEKIT_URL: 'ws://localhost:7880', LIVEKIT_API_KEY: 'devkey', LIVEKIT_API_SECRET: 'secret' };

/**
 * A benchmark database of its own on the server of `serverUrl`, by name: kept between runs (a seed
 * made once is reused), or dropped and made anew with `fresh`. Returns its URL.
 */
export async function benchDatabase(serverUrl: string, name: string, options: { fresh?: boolean } = {}): Promise<string> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    if (options.fresh) await admin.query(`drop database if exists "${name}" with (force)`);
    const exists = !options.fresh && (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount;
    if (!exists) await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
