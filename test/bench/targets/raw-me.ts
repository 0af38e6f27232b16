import { serveJson } from './serve-json';

/**
 * Child process: the raw baseline for `me`: node:http + pg, the same token check, a prepared
 * select, the same JSON shape; no GraphQL, no context. What Hearth costs on top is the framework's price.
 */
const ME = { name: 'me', text: 'select id, display_name, email, company, role from member where id = $1' };

serveJson(async (pool, viewerId) => {
  const {
    rows: [row],
  } = await pool.query({ ...ME, values: [viewerId] });
  return { data: { me: { id: row.id, displayName: row.display_name, email: row.email, company: row.company, role: row.role } } };
});
