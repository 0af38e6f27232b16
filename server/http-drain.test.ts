import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { keepAliveConnection, rawRequest } from '../test/raw-http';
import { HttpDrain } from './http-drain';

const IDLE_MS = 300;
const GRACE_MS = 1_500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server whose `/slow?ms=N` answers after N ms, behind a drain, as the API's is. */
async function serve(): Promise<{ server: Server; drain: HttpDrain; origin: string }> {
  const server = createServer();
  const drain = new HttpDrain(server, { graceMs: GRACE_MS, idleMs: IDLE_MS });
  server.on('request', (req, res) => {
    const ms = Number(new URL(req.url!, 'http://x').searchParams.get('ms') ?? 0);
    // Unref'd: the answer cut by the grace test must not keep the test process alive.
    setTimeout(() => res.setHeader('content-type', 'text/plain').end('done'), ms).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, drain, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const body = (answer: string) => answer.slice(answer.indexOf('\r\n\r\n') + 4);

describe('HttpDrain: stopping without dropping a request already sent', () => {
  it('answers a request that reaches an idle keep-alive connection after the stop began, then closes it', async () => {
    const { drain, origin } = await serve();
    const connection = await keepAliveConnection(origin);
    expect(await connection.send(rawRequest('GET', '/', {}))).toMatch(/^HTTP\/1.1 200[^]*connection: keep-alive/i);

    const stopped = drain.stop();
    await sleep(50);
    const answer = await connection.send(rawRequest('GET', '/', {}));
    expect(answer).toMatch(/^HTTP\/1.1 200/);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(body(answer)).toBe('done');
    await connection.closed;
    await stopped;
  });

  it('closes a connection left idle once it has been idle for the idle time, and takes no new connection', async () => {
    const { drain, origin } = await serve();
    const connection = await keepAliveConnection(origin);
    await connection.send(rawRequest('GET', '/', {}));
    const began = performance.now();
    const stopped = drain.stop();
    await expect(keepAliveConnection(origin)).rejects.toThrow(/ECONNREFUSED/);
    await connection.closed;
    await stopped;
    const ms = performance.now() - began;
    expect(ms).toBeGreaterThanOrEqual(IDLE_MS - 20);
    expect(ms).toBeLessThan(GRACE_MS);
  });

  it('finishes a request in progress, answering it `connection: close`', async () => {
    const { drain, origin } = await serve();
    const connection = await keepAliveConnection(origin);
    const answer = connection.send(rawRequest('GET', '/?ms=200', {}));
    await sleep(50);
    const stopped = drain.stop();
    expect(await answer).toMatch(/^HTTP\/1.1 200[^]*\r\nconnection: close\r\n/i);
    await stopped;
  });

  it('cuts a request that outlasts the grace, and stops then', async () => {
    const { drain, origin } = await serve();
    const connection = await keepAliveConnection(origin);
    const answer = connection.send(rawRequest('GET', '/?ms=10000', {}));
    await sleep(50);
    const began = performance.now();
    await drain.stop();
    expect(performance.now() - began).toBeGreaterThanOrEqual(GRACE_MS - 20);
    expect(await answer).toBe('');
  });

  it('lets a stopped server go: its connection checks do not hold it for the life of the process', async () => {
    // A listening http.Server checks its connections' timeouts on an interval of its own (unref'd,
    // so it never kept a process up), which holds the server and its listeners: the application's.
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const stopped = await (async () => {
      const { server, drain, origin } = await serve();
      const connection = await keepAliveConnection(origin);
      await connection.send(rawRequest('GET', '/', {}));
      await drain.stop();
      await connection.closed;
      return new WeakRef(server);
    })();
    for (let i = 0; i < 5 && stopped.deref(); i++) {
      await sleep(10);
      gc();
    }
    expect(stopped.deref() === undefined).toBe(true);
  });
});
