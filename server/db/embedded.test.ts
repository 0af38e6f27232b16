import { spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import pino from 'pino';
import { until } from '../../test/server';
import { DEFAULT_EMBEDDED_PORT, platformBinaries, type Binaries } from './embedded-setup';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded';

const ROOT = path.resolve(__dirname, '../..');

/** A logger whose lines the test can read. */
function capturingLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  return { logger, messages: () => lines.map((line) => JSON.parse(line).msg as string) };
}

/**
 * Whether PostgreSQL at `url` answers a query. A refused connection fails at once; the timeout is
 * only for a server under load (the full suite), where a first connection after a restart once took
 * more than 1 s.
 */
async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Holds `port` on 127.0.0.1 (or finds it already held by someone else). */
async function hold(port: number): Promise<Server | null> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

async function freePort(): Promise<number> {
  const server = (await hold(0))!;
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A folder the postgres user can reach (mkdtemp makes it private), unless the test makes it private. */
function tempFolder(prefix: string): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(folder, 0o755);
  return folder;
}

describe('embedded PostgreSQL', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('a second Hearth while another holds port 54329: picks a free port and says so', async () => {
    const holder = await hold(DEFAULT_EMBEDDED_PORT);
    cleanup.push(() => new Promise<void>((resolve) => (holder ? holder.close(() => resolve()) : resolve())));
    const folder = tempFolder('hearth-embedded-');
    cleanup.push(() => rmSync(folder, { recursive: true, force: true }));
    const { logger, messages } = capturingLogger();
    const db = await startEmbeddedPostgres({ folder, logger, shelter: folder });
    cleanup.push(() => db.stop());
    expect(db.port).not.toBe(DEFAULT_EMBEDDED_PORT);
    expect(messages()).toContain(
      `port ${DEFAULT_EMBEDDED_PORT} is taken (another Hearth?): the embedded PostgreSQL listens on ${db.port} instead`,
    );
    expect(await answers(db.url)).toBe(true);
  });

  it('restarts PostgreSQL by itself when its process dies, and stops it for good when asked', async () => {
    const folder = tempFolder('hearth-embedded-');
    cleanup.push(() => rmSync(folder, { recursive: true, force: true }));
    const { logger, messages } = capturingLogger();
    const db: EmbeddedDatabase = await startEmbeddedPostgres({ folder, port: await freePort(), logger, shelter: folder });
    cleanup.push(() => db.stop());
    const first = db.pid()!;
    process.kill(first, 'SIGKILL');
    await until('PostgreSQL to run again', () => messages().includes('the embedded PostgreSQL is running again'), 20_000);
    expect(messages()).toContain('the embedded PostgreSQL exited unexpectedly: restarting it');
    expect(await answers(db.url)).toBe(true);
    const second = db.pid()!;
    await db.stop();
    expect(() => process.kill(second, 0)).toThrow();
    expect(await answers(db.url)).toBe(false);
  });

  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  asRoot('first start as root from a private (0700) checkout: moves what the postgres user needs where it can reach it', async () => {
    // A checkout in root's home: the folder and everything in it is out of the postgres user's reach.
    const checkout = tempFolder('hearth-private-');
    chmodSync(checkout, 0o700);
    const shelter = tempFolder('hearth-shelter-');
    cleanup.push(() => rmSync(checkout, { recursive: true, force: true }));
    cleanup.push(() => rmSync(shelter, { recursive: true, force: true }));
    const installed = await platformBinaries();
    symlinkSync(installed.root, path.join(checkout, 'native'));
    const binaries: Binaries = {
      ...installed,
      root: path.join(checkout, 'native'),
      initdb: path.join(checkout, 'native/bin/initdb'),
      postgres: path.join(checkout, 'native/bin/postgres'),
    };
    const folder = path.join(checkout, '.hearth');
    const { logger, messages } = capturingLogger();

    const db = await startEmbeddedPostgres({ folder, logger, shelter, binaries });
    expect(await answers(db.url)).toBe(true);
    await db.stop();
    expect(messages().filter((message) => message.includes('cannot reach'))).toHaveLength(2);
    const sheltered = readdirSync(shelter);
    expect(sheltered).toHaveLength(2);
    expect(sheltered).toEqual(expect.arrayContaining([expect.stringMatching(/^data-[0-9a-f]{12}$/), `postgres-${installed.version}`]));
    expect(lstatSync(path.join(folder, 'postgres')).isSymbolicLink()).toBe(true);
    expect(realpathSync(path.join(folder, 'postgres')).startsWith(realpathSync(shelter))).toBe(true);

    // The next start finds the same data through the link, and copies nothing again.
    const again = await startEmbeddedPostgres({ folder, logger, shelter, binaries });
    cleanup.push(() => again.stop());
    expect(await answers(again.url)).toBe(true);
    expect(messages().filter((message) => message.includes('copying'))).toHaveLength(1);
  });
});

describe('embedded PostgreSQL from `node dist/server/api.js`', () => {
  it('stops with one line naming cause and fix when EMBEDDED_POSTGRES_PORT is taken', async () => {
    const holder = (await hold(0))!;
    const { port } = holder.address() as { port: number };
    const folder = tempFolder('hearth-embedded-');
    try {
      const child = spawn(process.execPath, [path.join(ROOT, 'dist/server/api.js')], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'development',
          HEARTH_DATA_DIR: folder,
          EMBEDDED_POSTGRES_PORT: String(port),
          PORT: '0',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(output.trim()).toBe(
        `EMBEDDED_POSTGRES_PORT ${port} is already in use (another Hearth or PostgreSQL?): stop it, choose another port, or unset EMBEDDED_POSTGRES_PORT to let Hearth pick a free one.`,
      );
    } finally {
      holder.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
