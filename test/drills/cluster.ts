import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freeLoopbackPort } from '../redis-server';

/**
 * A PostgreSQL cluster of the drills' own (initdb + pg_ctl on a free loopback port), to kill,
 * freeze and restart: never the shared one. Binaries: the system's (/usr/lib/postgresql/<n>/bin),
 * run as the `postgres` user when we are root (PostgreSQL refuses root).
 */
export class OwnPostgres {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
    private readonly asUser: string | null,
  ) {}

  static async create(): Promise<OwnPostgres> {
    const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
    if (!versions.length) throw new Error('the drills need PostgreSQL binaries in /usr/lib/postgresql/<version>/bin (initdb, pg_ctl)');
    const bin = `/usr/lib/postgresql/${versions[0]}/bin`;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hearth-drill-pg-'));
    chmodSync(dir, 0o755);
    const asUser = process.getuid?.() === 0 ? 'postgres' : null;
    if (asUser)
      chownSync(
        dir,
        Number(execFileSync('id', ['-u', asUser], { encoding: 'utf8' })),
        Number(execFileSync('id', ['-g', asUser], { encoding: 'utf8' })),
      );
    const cluster = new OwnPostgres(bin, dir, await freeLoopbackPort(), asUser);
    cluster.run('initdb', ['-D', cluster.dataDir, '-A', 'trust', '-U', 'root', '--no-sync']);
    await cluster.start();
    return cluster;
  }

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  url(database = 'postgres'): string {
    return `postgresql://root@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts it (retrying while the processes of a killed server still hold its memory). */
  async start(): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
      const result = this.run(
        'pg_ctl',
        ['-D', this.dataDir, '-o', options, '-l', path.join(this.dir, 'log'), '-w', '-t', '20', 'start'],
        false,
      );
      if (result === 0) return;
      if (Date.now() > deadline)
        throw new Error(
          `PostgreSQL did not restart: ${readFileSync(path.join(this.dir, 'log'), 'utf8').split('\n').slice(-5).join(' | ')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async createDatabase(name: string): Promise<string> {
    const client = new Client({ connectionString: this.url() });
    await client.connect();
    try {
      await client.query(`create database "${name}"`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  /** The postmaster and every backend it started. */
  processes(): number[] {
    const pidFile = path.join(this.dataDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return [];
    const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    const children = spawnSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean)
      .map(Number);
    return [postmaster, ...children];
  }

  /** SIGKILL to all of it, as a killed container: no shutdown, nothing flushed beyond what was committed. */
  async kill(): Promise<void> {
    const pids = this.processes();
    for (const pid of pids) signal(pid, 'SIGKILL');
    while (pids.some(isAlive)) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** SIGSTOP to all of it: connections stay open and nothing answers. */
  freeze(): void {
    for (const pid of this.processes()) signal(pid, 'SIGSTOP');
  }

  thaw(): void {
    for (const pid of this.processes()) signal(pid, 'SIGCONT');
  }

  async destroy(): Promise<void> {
    this.thaw();
    this.run('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', 'stop'], false);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(tool: string, args: string[], check = true): number {
    const command = path.join(this.bin, tool);
    const result = this.asUser
      ? spawnSync(
          'su',
          [this.asUser, '-s', '/bin/sh', '-c', [command, ...args].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ')],
          { stdio: 'ignore' },
        )
      : spawnSync(command, args, { stdio: 'ignore' });
    if (check && result.status !== 0) throw new Error(`${tool} failed (${result.status})`);
    return result.status ?? 1;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
