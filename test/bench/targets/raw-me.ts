import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';

/**
 * Child process: the raw baseline for `me`: node:http + pg, the same select, the same JSON shape,
 * no GraphQL, no auth, no context. What Hearth costs on top of this is the framework's price.
 */
const pool = new Pool({ connectionString: process.argv[2], max: 10 });
const SQL = 'select id, display_name, email, company, role from member where id = $1';

const server = createServer((req, res) => {
  const memberId = req.headers['x-member-id'] as string;
  pool.query(SQL, [memberId]).then(
    ({ rows: [row] }) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { me: { id: row.id, displayName: row.display_name, email: row.email, company: row.company, role: row.role } } }));
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
