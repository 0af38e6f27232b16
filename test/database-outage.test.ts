import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AccessTokens } from '../server/access-token';
import { systemClock } from '../server/clock';
import { openOrm } from '../server/db/orm';
import { createTestDatabase, testDatabaseEnv, withAdminClient } from './db';
import { buildContent, buildMember } from './factories';
import { apiOrigin, startProcess, type HearthProcess } from './process';
import { until } from './server';
import { startFreezableProxy } from './tcp-proxy';

const SECRET = 'outage-test-secret-outage-test-secret-01';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let token: string;
let memberId: string;
let contentId: string;
const processes: HearthProcess[] = [];
const folders: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  const orm = await openOrm(database.url);
  const member = await buildMember(orm.em.fork());
  contentId = (await buildContent(orm.em.fork())).id;
  await orm.close();
  memberId = member.id;
  token = (await new AccessTokens(SECRET, systemClock).issue(member.id)).token;
});
afterEach(async () => {
  await Promise.all(processes.splice(0).map((started) => started.kill()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
afterAll(() => database.drop());

function startApi(databaseUrl: string, extra: Record<string, string> = {}): HearthProcess {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'hearth-outage-'));
  chmodSync(folder, 0o755);
  folders.push(folder);
  const api = startProcess('dist/server/api.js', {
    NODE_ENV: 'development',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: SECRET,
    LOG_LEVEL: 'info',
    HEARTH_DATA_DIR: folder,
    HEARTH_WORKER_IN_PROCESS: 'true',
    ...extra,
  });
  processes.push(api);
  return api;
}

/** `{ me { id } }` as a member: the HTTP status, the error code if any, and how long it took. */
async function me(origin: string): Promise<{ status: number; code: string | null; ms: number }> {
  const started = Date.now();
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ me { id } }' }),
    signal: AbortSignal.timeout(20_000),
  });
  const body = (await response.json()) as { data?: { me?: { id: string } }; errors?: { extensions?: { code?: string } }[] };
  return {
    status: response.status,
    code: body.errors?.[0]?.extensions?.code ?? (body.data?.me?.id === memberId ? null : 'WRONG'),
    ms: Date.now() - started,
  };
}

/** A reader's heartbeat to POST /views: the HTTP status, Retry-After and the error code if any. */
async function heartbeat(origin: string): Promise<{ status: number; retryAfter: string | null; code: string | null }> {
  const response = await fetch(`${origin}/views`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ views: [{ contentId, seconds: 0 }] }),
    signal: AbortSignal.timeout(20_000),
  });
  const body = (await response.json()) as { views?: { contentId: string }[]; errors?: { extensions?: { code?: string } }[] };
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    code: body.errors?.[0]?.extensions?.code ?? (body.views?.[0]?.contentId === contentId ? null : 'WRONG'),
  };
}

async function readyStatus(origin: string): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  const response = await fetch(`${origin}/ready`, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, ms: Date.now() - started };
}

describe('PostgreSQL going away under a running API with its worker', () => {
  it('every connection cut and refused (a restart): the process stays up, answers SERVICE_UNAVAILABLE (503), recovers within 5 s', async () => {
    const api = startApi(database.url);
    const origin = await apiOrigin(api);
    // Its LISTEN connection (Agenda's notifications) is open once the worker says it started.
    await until('the worker', () => api.logs().some((line) => line.msg === 'worker started'), 30_000);
    expect(await me(origin)).toMatchObject({ status: 200, code: null });
    expect(await heartbeat(origin)).toEqual({ status: 200, retryAfter: null, code: null });

    const { adminUrl } = testDatabaseEnv();
    await withAdminClient(adminUrl, async (client) => {
      await client.query(`alter database "${database.name}" with allow_connections false`);
      await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
        database.name,
      ]);
    });
    try {
      // The viewer is cached briefly, so ask until the request needs the database.
      await until('a 503 while the database is away', async () => (await me(origin)).status === 503, 15_000);
      expect(await me(origin)).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
      expect((await readyStatus(origin)).status).toBe(503);
      // The view writer has a pool of its own: its cut connection is a 503 to retry too, not a 500.
      expect(await heartbeat(origin)).toEqual({ status: 503, retryAfter: '2', code: 'SERVICE_UNAVAILABLE' });
    } finally {
      await withAdminClient(adminUrl, (client) => client.query(`alter database "${database.name}" with allow_connections true`));
    }
    const back = Date.now();
    await until('the API to answer again', async () => (await me(origin)).status === 200, 5_000);
    expect(Date.now() - back).toBeLessThan(5_000);
    expect((await readyStatus(origin)).status).toBe(200);
    await until('POST /views to write again', async () => (await heartbeat(origin)).status === 200, 5_000);
    expect(api.child.exitCode).toBeNull();
    expect(api.output()).not.toMatch(/Unhandled 'error' event/);
    // An outage is a warning (throttled), not an error line per failed batch of views. The
    // process writes its lines within 250 ms (server/logger.ts): every line of the outage is in.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(api.logs().filter((line) => line.level >= 50 && /content view/.test(String(line.msg)))).toEqual([]);
  }, 60_000);

  it('a frozen database (it holds connections and answers nothing): /ready 503 within 2 s, requests fail within their timeouts, recovery when it answers again', async () => {
    const url = new URL(database.url);
    const proxy = await startFreezableProxy(Number(url.port || 5432), url.hostname);
    try {
      url.host = `127.0.0.1:${proxy.port}`;
      const api = startApi(url.toString(), { DATABASE_ACQUIRE_TIMEOUT: '1s', DATABASE_STATEMENT_TIMEOUT: '2s' });
      const origin = await apiOrigin(api);
      expect(await me(origin)).toMatchObject({ status: 200, code: null });

      proxy.freeze();
      const ready = await readyStatus(origin);
      expect(ready.status).toBe(503);
      expect(ready.ms).toBeLessThan(2_000);
      // Past the viewer cache (10 s), requests need the database: each fails within acquire + statement timeout (+ margin).
      await until('a request that needs the frozen database', async () => (await me(origin)).status === 503, 30_000);
      const failed = await me(origin);
      expect(failed).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
      expect(failed.ms).toBeLessThan(1_000 + 2_000 + 2_000 + 1_000);

      proxy.thaw();
      await until('the API to answer again', async () => (await me(origin)).status === 200, 10_000);
      expect((await readyStatus(origin)).status).toBe(200);
      expect(api.child.exitCode).toBeNull();
    } finally {
      proxy.thaw();
      await Promise.all(processes.splice(0).map((started) => started.kill()));
      await proxy.close();
    }
  }, 90_000);
});
