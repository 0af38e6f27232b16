import { fork } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateHttpLoad } from './bench/http-load';
import { runLoad } from './bench/load';

/** A server on a free port answering each request with `answer`; resolves with its URL and the requests it saw. */
async function serve(answer: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void) {
  const seen: { authorization?: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ authorization: req.headers.authorization, body });
      answer(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const json = (res: http.ServerResponse, value: unknown, status = 200) => {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
};

const load = (url: string, more: Partial<Parameters<typeof generateHttpLoad>[0]> = {}) =>
  generateHttpLoad({
    url,
    headers: { 'content-type': 'application/json' },
    body: '{"query":"{ me { id } }"}',
    connections: 4,
    seconds: 0.4,
    ...more,
  });

describe("the bench's load generator", () => {
  it('sends request n with the n-th identity and body in turn, and counts every answer read whole', async () => {
    const server = await serve((_req, body, res) => json(res, { data: { echo: body } }));
    try {
      const result = await load(server.url, {
        bodies: ['{"n":0}', '{"n":1}'],
        authorizations: ['Bearer a', 'Bearer b', 'Bearer c'],
        connections: 1,
      });
      expect(result.errors).toBe(0);
      expect(result.requests).toBeGreaterThan(10);
      expect(result.requestsPerSecond).toBeCloseTo(result.requests / 0.4);
      expect(result.p99Ms).toBeGreaterThanOrEqual(result.p50Ms);
      // One connection: the server saw the requests in the order sent (the last may have been answered after the window).
      const expected = server.seen.map((_, n) => ({ authorization: ['Bearer a', 'Bearer b', 'Bearer c'][n % 3], body: `{"n":${n % 2}}` }));
      expect(server.seen).toEqual(expected);
      expect(server.seen.length - result.requests).toBeLessThanOrEqual(1);
    } finally {
      await server.close();
    }
  });

  it('reads chunked answers and answers split across packets', async () => {
    const server = await serve((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // no length: chunked
      res.write('{"data":{"items":[');
      setImmediate(() => res.end('1,2,3]}}'));
    });
    try {
      const result = await load(server.url);
      expect(result).toMatchObject({ errors: 0 });
      expect(result.requests).toBeGreaterThan(10);
    } finally {
      await server.close();
    }
  });

  it('counts GraphQL errors, statuses outside 2xx and bodies that are not JSON, naming the first', async () => {
    let n = 0;
    const server = await serve((_req, _body, res) => {
      const kind = n++ % 4;
      if (kind === 0) json(res, { data: { me: null } });
      else if (kind === 1) json(res, { errors: [{ message: 'nope', extensions: { code: 'FORBIDDEN' } }] });
      else if (kind === 2) json(res, { errors: [{ message: 'down' }] }, 503);
      else res.writeHead(200, { 'content-length': 5 }).end('oops!');
    });
    try {
      const result = await load(server.url, { connections: 1 });
      expect(result.requests).toBeGreaterThan(8);
      // Three answers of every four are errors (the window may end anywhere in a round of four).
      expect(Math.abs(result.errors - (3 * result.requests) / 4)).toBeLessThanOrEqual(1);
      expect(result.firstError).toBe('errors: [{"message":"nope","extensions":{"code":"FORBIDDEN"}}]');
    } finally {
      await server.close();
    }
  });

  it('connects again when a server closes a connection after answering, and counts one closed before its answer', async () => {
    let n = 0;
    const server = await serve((req, _body, res) => {
      if (n++ === 3) return void req.socket.destroy();
      res.setHeader('connection', 'close');
      json(res, { data: { ok: true } });
    });
    try {
      const result = await load(server.url, { connections: 2 });
      expect(result.requests).toBeGreaterThan(10);
      expect(result.errors).toBe(1);
      expect(result.firstError).toBe('connection closed before the answer');
    } finally {
      await server.close();
    }
  });

  it('counts a request left unanswered as a timeout', async () => {
    const server = await serve(() => undefined);
    try {
      const result = await load(server.url, { connections: 1, seconds: 0.5, timeoutMs: 200 });
      expect(result.requests).toBe(0);
      expect(result.errors).toBe(2);
      expect(result.firstError).toBe('no answer in 200 ms');
    } finally {
      await server.close();
    }
  });
});

describe("the bench's load worker", () => {
  // A worker whose bench has gone (killed, or failed) has nobody to answer: it stops at once, not
  // when its load ends.
  it('stops as soon as the bench that started it disconnects', async () => {
    const server = await serve((_req, _body, res) => json(res, { data: { me: null } }));
    // The compiled worker, as the bench forks it (Jest's global setup builds dist/).
    const worker = fork(path.resolve(__dirname, '../dist/test/bench/load-worker.js'), [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    try {
      const started = new Promise((resolve) => worker.once('message', resolve));
      worker.send({ url: server.url, headers: { 'content-type': 'application/json' }, body: '{}', connections: 1, seconds: 60 });
      await started;
      const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
      worker.disconnect();
      const stillRunning = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 3000).unref());
      expect(await Promise.race([exited, stillRunning])).toBe(0);
    } finally {
      worker.kill('SIGKILL');
      await server.close();
    }
  });

  // A load worker outlived two whole runs hung inside process.exit() (nodejs/node#54918: its main
  // thread joining a V8 compiler thread that waits for a garbage collection). A worker that has
  // sent its result is given a moment to exit, then killed, before the next load starts.
  it('is gone when its load resolves, killed if it has not exited after sending its result', async () => {
    const hung = path.join(os.tmpdir(), `hearth-hung-load-worker-${process.pid}.js`);
    writeFileSync(
      hung,
      `process.on('message', () => {
        process.send('started');
        process.send({ requestsPerSecond: 1, p50Ms: 1, p99Ms: 1, requests: 1, errors: 0, pid: process.pid });
        setInterval(() => {}, 1000);
      });`,
    );
    let result: Awaited<ReturnType<typeof runLoad>> & { pid: number };
    try {
      result = (await runLoad({ url: 'http://127.0.0.1:9/graphql', connections: 1, seconds: 1 }, undefined, hung)) as typeof result;
    } finally {
      rmSync(hung, { force: true });
    }
    expect(result.requests).toBe(1);
    let alive = true;
    try {
      process.kill(result.pid, 0);
    } catch (error) {
      alive = (error as NodeJS.ErrnoException).code !== 'ESRCH';
    }
    expect(alive).toBe(false);
  });
});
