import { GraphQLError } from 'graphql';
import pino from 'pino';
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { testDatabaseEnv, withAdminClient } from '../test/db';
import { buildMember } from '../test/factories';
import { startTestServer, type TestServer } from '../test/server';
import { toClientError } from './errors';

const origin = (server: TestServer) => new URL(server.hearth.url).origin;

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('health and readiness', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  const setConnections = (allowed: boolean) =>
    withAdminClient(testDatabaseEnv().adminUrl, async (client) => {
      await client.query(`alter database "${server.databaseName}" with allow_connections ${allowed}`);
      if (!allowed)
        await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
          server.databaseName,
        ]);
    });

  it('answers /health and /ready while the database is up', async () => {
    expect(await (await fetch(`${origin(server)}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${origin(server)}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'up', redis: process.env.REDIS_URL ? 'up' : undefined });
  });

  it('answers /ready 503 and SERVICE_UNAVAILABLE (HTTP 503, no detail) while the database is down, then recovers', async () => {
    const member = await buildMember(server.em());
    const token = await server.tokenFor(member.id);
    await setConnections(false);
    try {
      const ready = await eventually(
        () => fetch(`${origin(server)}/ready`),
        (r) => r.status === 503,
      );
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'unavailable', database: 'down' });
      expect((await fetch(`${origin(server)}/health`)).status).toBe(200);

      const response = await fetch(server.hearth.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { id } }' }),
      });
      const text = await response.text();
      const body = JSON.parse(text);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('2');
      expect(body.errors[0]).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 2 } });

      // A route outside GraphQL (one-click unsubscribe) answers the same way.
      const unsubscribe = new URL(server.hearth.deps.emailLinks.unsubscribeUrl(member.id)).pathname;
      const routed = await fetch(`${origin(server)}${unsubscribe}`, { method: 'POST' });
      expect(routed.status).toBe(503);
      expect(routed.headers.get('retry-after')).toBe('2');
      expect(await routed.json()).toMatchObject({ errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
      expect(text).not.toMatch(/stack|database|connection|pg_|terminat/i);
    } finally {
      await setConnections(true);
    }
    const recovered = await eventually(
      () => fetch(`${origin(server)}/ready`),
      (r) => r.status === 200,
    );
    expect(recovered.status).toBe(200);
  });
});

describe('toClientError', () => {
  it('masks an unknown error and logs its cause', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const cause = new Error('secret db detail');
    const error = new GraphQLError('secret db detail', { originalError: cause, path: ['me'] });
    const formatted = toClientError(error.toJSON(), error, logger);
    expect(formatted).toEqual({
      message: 'Internal server error.',
      locations: undefined,
      path: ['me'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(lines.join('')).toContain('secret db detail');
  });
});

describe('graceful shutdown', () => {
  it('closes WebSockets with 1001 and stops accepting requests', async () => {
    const server = await startTestServer();
    const socket = new WebSocket(server.hearth.wsUrl, 'graphql-transport-ws');
    await new Promise<void>((resolve, reject) => {
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
      socket.on('message', (data) => (JSON.parse(String(data)).type === 'connection_ack' ? resolve() : undefined));
      socket.on('error', reject);
    });
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await server.stop();
    expect(await closed).toBe(1001);
    await expect(fetch(`${origin(server)}/health`)).rejects.toThrow();
  });

  it('finishes an in-flight request before stopping', async () => {
    const server = await startTestServer();
    const member = await buildMember(server.em());
    const token = await server.tokenFor(member.id);
    const received = new Promise((resolve) => server.hearth.httpServer.once('request', resolve));
    const inFlight = server.gql('{ me { id } }', {}, { token });
    await received;
    const stopped = server.stop();
    const result = await inFlight;
    await stopped;
    expect(result.data!.me.id).toBe(member.id);
  });
});
