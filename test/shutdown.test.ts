import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { AccessTokens } from '../server/access-token';
import { systemClock } from '../server/clock';
import { openOrm, type Orm } from '../server/db/orm';
import { createTestDatabase } from './db';
import { buildRule } from './engagement';
import { buildAdmin, buildContent, buildInterests, buildMember, buildTheme } from './factories';
import { apiOrigin, startProcess, type HearthProcess } from './process';
import { keepAliveConnection, rawRequest } from './raw-http';
import { freeLoopbackPort } from './redis-server';
import { describeWithRedis, until } from './server';
import { startSmtpSink } from './smtp-sink';

const SECRET = 'shutdown-test-secret-shutdown-test-secret';
const processes: HearthProcess[] = [];
const folders: string[] = [];
afterEach(async () => {
  await Promise.all(processes.splice(0).map((started) => started.kill()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function dataDir(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'hearth-shutdown-'));
  chmodSync(folder, 0o755);
  folders.push(folder);
  return folder;
}

/**
 * A request the server is handling right now: `Expect: 100-continue` makes the server acknowledge
 * the headers (it dispatched the request) before the body is sent, so the test knows it is in flight.
 */
async function requestInFlight(origin: string, token: string): Promise<{ finish(): void; answer: Promise<{ status: number; body: any }> }> {
  const body = JSON.stringify({ query: '{ me { id } }' });
  let req!: ClientRequest;
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    req = request(`${origin}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        authorization: `Bearer ${token}`,
        expect: '100-continue',
      },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
  });
  await new Promise<void>((resolve) => req.once('continue', resolve));
  return { finish: () => req.end(body), answer };
}

describeWithRedis('SIGTERM to real processes with REDIS_URL', () => {
  let orm: Orm;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let observer: Redis;
  beforeAll(async () => {
    database = await createTestDatabase();
    orm = await openOrm(database.url);
    observer = new Redis(process.env.REDIS_URL!);
  });
  afterAll(async () => {
    observer.disconnect();
    await orm.close();
    await database.drop();
  });

  /** A deployment of its own on the shared Redis, as test servers have (test/server.ts). */
  const redisKeyPrefix = () => `test:${database.name}`;
  const env = () => ({
    NODE_ENV: 'development',
    PORT: '0',
    DATABASE_URL: database.url,
    REDIS_URL: process.env.REDIS_URL,
    REDIS_KEY_PREFIX: redisKeyPrefix(),
    JWT_SECRET: SECRET,
    LOG_LEVEL: 'info',
    HEARTH_DATA_DIR: dataDir(),
  });

  it('WEB_CONCURRENCY=2 serves from two API processes on one port, replaces one that dies, and stops them all on SIGTERM', async () => {
    const member = await buildMember(orm.em.fork());
    const { token } = await new AccessTokens(SECRET, systemClock).issue(member.id);
    const api = startProcess('dist/server/api.js', { ...env(), WEB_CONCURRENCY: '2' });
    processes.push(api);
    const origin = await apiOrigin(api);
    await until('both API processes', async () => api.logs().some((line) => line.msg === 'API processes running'));
    const children = () =>
      execFileSync('ps', ['-o', 'pid=', '--ppid', String(api.pid)], { encoding: 'utf8' })
        .split('\n')
        .map((pid) => Number(pid.trim()))
        .filter(Boolean);
    const me = async () => {
      // A connection per request: the primary hands connections to the processes in turn.
      const response = await fetch(`${origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, connection: 'close' },
        body: JSON.stringify({ query: '{ me { id } }' }),
      });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    const first = children();
    expect(first).toHaveLength(2);
    for (let i = 0; i < 6; i++) expect(await me()).toEqual({ status: 200, body: { data: { me: { id: member.id } } } });
    // Each process writes its log lines a chunk at a time, within 250 ms (server/logger.ts).
    const servedBy = () =>
      new Set(
        api
          .logs()
          .filter((line) => line.msg === 'operation')
          .map((line) => line.worker),
      );
    await until('an operation line from each API process', () => servedBy().size === 2, 5_000);
    expect(servedBy()).toEqual(new Set([0, 1]));

    process.kill(first[1], 'SIGKILL');
    const ready = () => api.logs().filter((line) => line.msg === 'API process ready').length;
    await until('a replacement process serving', async () => ready() === 3);
    expect(children()).toHaveLength(2);
    expect(children()).not.toContain(first[1]);
    for (let i = 0; i < 4; i++) expect((await me()).status).toBe(200);

    const remaining = children();
    process.kill(api.pid, 'SIGTERM');
    const signalledAt = Date.now();
    const exit = await api.exited();
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(10_000);
    for (const pid of remaining) expect(() => process.kill(pid, 0)).toThrow();
    expect(api.output()).not.toMatch(/Unhandled|shutdown (failed|took too long)/);
  }, 60_000);

  it('the API finishes the in-flight request, closes its sockets and every Redis connection, and exits 0 within 10 s', async () => {
    const member = await buildMember(orm.em.fork());
    const { token } = await new AccessTokens(SECRET, systemClock).issue(member.id);
    const api = startProcess('dist/server/api.js', env());
    processes.push(api);
    const origin = await apiOrigin(api);

    // An open WebSocket with a subscription on Redis, and an idle keep-alive connection.
    const channel = `${redisKeyPrefix()}:NOTIFICATION_ADDED:${member.id}`;
    const ws = createClient({
      url: `${origin.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    let closeCode: number | null = null;
    ws.on('closed', (event) => (closeCode = (event as { code: number }).code));
    ws.subscribe(
      { query: 'subscription { notificationAdded { id } }' },
      { next: () => undefined, error: () => undefined, complete: () => undefined },
    );
    await until('the subscription on Redis', async () => Number(((await observer.pubsub('NUMSUB', channel)) as unknown[])[1]) === 1);
    const idle = await fetch(`${origin}/health`, { keepalive: true });
    expect(idle.status).toBe(200);
    const inFlight = await requestInFlight(origin, token);

    process.kill(api.pid, 'SIGTERM');
    const signalledAt = Date.now();
    inFlight.finish();
    const answered = await inFlight.answer;
    const exit = await api.exited();

    expect(answered).toEqual({ status: 200, body: { data: { me: { id: member.id } } } });
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(10_000);
    expect(closeCode).toBe(1001);
    expect(Number(((await observer.pubsub('NUMSUB', channel)) as unknown[])[1])).toBe(0);
    expect(api.logs().filter((line) => /shutting down/.test(line.msg))).toHaveLength(1);
    expect(api.output()).not.toMatch(/Unhandled|ioredis|shutdown (failed|took too long)/);
    await ws.dispose();
  });

  it('answers, with `connection: close`, a request that reaches an open keep-alive connection just after SIGTERM', async () => {
    const member = await buildMember(orm.em.fork());
    const { token } = await new AccessTokens(SECRET, systemClock).issue(member.id);
    const api = startProcess('dist/server/api.js', env());
    processes.push(api);
    const origin = await apiOrigin(api);
    const connection = await keepAliveConnection(origin);
    expect(await connection.send(rawRequest('GET', '/health', {}))).toMatch(/^HTTP\/1.1 200/);

    process.kill(api.pid, 'SIGTERM');
    await until('the stop under way', async () => api.logs().some((line) => /shutting down/.test(line.msg)));
    // The client wrote before it saw anything of the stop (a proxy busy elsewhere, a lagging app).
    const body = JSON.stringify({ query: '{ me { id } }' });
    const answer = await connection.send(
      rawRequest('POST', '/graphql', { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body),
    );
    const exit = await api.exited();

    expect(answer).toMatch(/^HTTP\/1.1 200/);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({ data: { me: { id: member.id } } });
    expect(exit.code).toBe(0);
    connection.socket.destroy();
  });

  it('the worker, SIGTERMed in the middle of a digest batch the relay does not answer, exits 0 within 10 s with its job unlocked', async () => {
    const sink = await startSmtpSink();
    try {
      const em = orm.em.fork();
      const day = 86_400_000;
      const theme = await buildTheme(em);
      await buildContent(em, { createdAt: new Date(Date.now() - day), themes: [theme] });
      const members = [];
      for (let i = 0; i < 3; i++) members.push(await buildMember(em, { lastVisitAt: new Date(Date.now() - 10 * day) }));
      await buildInterests(em, members, theme);
      await buildRule(em, (await buildAdmin(em)).id, { audienceThemes: [theme.slug], createdAt: new Date() });
      sink.hold();
      const worker = startProcess('dist/server/worker.js', { ...env(), SMTP_URL: sink.url, RULES_EVERY: '1h' });
      processes.push(worker);
      await until('a digest waiting for the relay', () => sink.heldCount() > 0, 30_000);

      process.kill(worker.pid, 'SIGTERM');
      const signalledAt = Date.now();
      const exit = await worker.exited();
      expect(exit.code).toBe(0);
      expect(exit.at - signalledAt).toBeLessThan(10_000);
      const [{ locked }] = await orm.em
        .fork()
        .execute<{ locked: number }[]>('select count(*)::int as locked from agenda_jobs where locked_at is not null');
      expect(locked).toBe(0);
    } finally {
      sink.release();
      await sink.stop();
    }
  });
});

describe('stopping `npm start` on the embedded database', () => {
  // SIGTERM to `npm start` itself is a drill (npm run drills): it rebuilds dist/, which tests share.
  it('Ctrl-C (SIGINT to the whole process group): one log line, exit 0, no PostgreSQL errors', async () => {
    const env = {
      NODE_ENV: 'development',
      PORT: '0',
      HEARTH_DATA_DIR: dataDir(),
      EMBEDDED_POSTGRES_PORT: String(await freeLoopbackPort()),
      HEARTH_SEED_DEMO: 'false',
      LOG_LEVEL: 'info',
    };
    const api = startProcess('dist/server/api.js', env);
    processes.push(api);
    await apiOrigin(api);
    // The in-process worker's first runs log their own lines: let them finish first.
    await until(
      'the first job runs',
      () => ['engagement rules evaluated', 'session reminders'].every((msg) => api.logs().some((line) => line.msg === msg)),
      30_000,
    );
    const before = api.output().length;
    process.kill(-api.pid, 'SIGINT');
    const exit = await api.exited();
    const after = api.output().slice(before).trim().split('\n');
    expect(exit.code).toBe(0);
    expect(after).toHaveLength(1);
    expect(JSON.parse(after[0])).toMatchObject({ msg: 'shutting down: finishing in-flight requests', signal: 'SIGINT' });
  }, 60_000);
});
