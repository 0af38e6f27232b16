import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { AccessTokens, bearerToken } from '../../../server/access-token';
import { systemClock } from '../../../server/clock';

/**
 * The shell of a raw baseline (a child process; arguments: database URL, JWT secret): node:http
 * answering `answer(pool, viewerId, req)` as JSON, a pg pool of the same size as Hearth's, its URL
 * reported to the parent, closed on its message. It authenticates as Hearth does (the same access
 * tokens, verified and cached the same way): the load rotates 200 members' tokens on both sides.
 */
export function serveJson(answer: (pool: Pool, viewerId: string, req: IncomingMessage) => Promise<object>): void {
  const [databaseUrl, jwtSecret] = process.argv.slice(2);
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  const tokens = new AccessTokens(jwtSecret, systemClock);
  const fail = (res: import('node:http').ServerResponse, status: number) => {
    res.statusCode = status;
    res.end();
  };
  const server = createServer((req, res) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) return fail(res, 401);
    tokens
      .verify(token)
      .then((claims) => {
        if (!claims) return fail(res, 401);
        return answer(pool, claims.memberId, req).then((body) => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(body));
        });
      })
      .catch(() => fail(res, 500));
  });
  server.listen(0, () => {
    process.send!({ url: `http://localhost:${(server.address() as AddressInfo).port}/` });
  });
  process.on('message', () => void pool.end().then(() => process.exit(0)));
}
