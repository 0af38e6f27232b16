import { serveJson } from './serve-json';

/**
 * Child process: the raw baseline for `me`: node:http + pg, the same select, the same JSON shape,
 * no GraphQL, no auth, no context. What Hearth costs on top of this is the framework's price.
 */
const SQL = 'select id, display_name, email, company, role from member where id = $1';

serveJson(async (pool, req) => {
  const { rows: [row] } = await pool.query(SQL, [req.headers['x-member-id']]);
  return { data: { me: { id: row.id, displayName: row.display_name, email: row.email, company: row.company, role: row.role } } };
});
