import type { Pool } from 'pg';
import { serveJson } from './serve-json';

/**
 * Child process: the raw baseline for P1: node:http + pg running the feed's SQL (the page with its
 * items' themes and authors in one statement, as Hearth sends it) and answering the same JSON as
 * the GraphQL query, with no framework.
 */
const PAGE = `select c.id, c.type, c.title, c.published_at,
    coalesce((select json_agg(json_build_object('slug', t.slug, 'name', t.name) order by t.name) from content_theme ct join theme t on t.id = ct.theme_id where ct.content_id = c.id), '[]') as themes,
    (select json_build_object('id', m.id, 'displayName', m.display_name) from member m where m.id = c.author_id) as author
  from content c where c.status = 'PUBLISHED' order by c.published_at desc, c.id desc limit 21`;

type Row = Record<string, any>;

async function feed(pool: Pool): Promise<object> {
  const { rows } = await pool.query<Row>(PAGE);
  const edges = rows.slice(0, 20).map((row) => ({
    cursor: Buffer.from(JSON.stringify([row.published_at.toISOString(), row.id])).toString('base64url'),
    node: { id: row.id, type: row.type, title: row.title, publishedAt: row.published_at.toISOString(), themes: row.themes, author: row.author },
  }));
  return { data: { feed: { edges, pageInfo: { hasNextPage: rows.length > 20, endCursor: edges.at(-1)?.cursor ?? null } } } };
}

serveJson((pool) => feed(pool));
