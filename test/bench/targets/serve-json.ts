import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';

/**
 * The shell of a raw baseline (a child process): node:http answering `answer(req)` as JSON, a pg
 * pool of the same size as Hearth's, its URL reported to the parent, closed on its message.
 */
export function serveJson(answer: (pool: Pool, req: IncomingMessage) => Promise<object>): void {
  const pool = new Pool({ connectionString: process.argv[2], max: 10 });
  const server = createServer((req, res) => {
    answer(pool, req).then(
      (body) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      },
      () => {
        res.statusCode = 500;
        res.end();
      },
    );
  });
  server.listen(0, () => {
    process.send!({ url: `http://localhost:${(server.address() as AddressInfo).port}/` });
  });
  process.on('message', () => void pool.end().then(() => process.exit(0)));
}
