import type { Pool } from 'pg';
import { serveJson } from './serve-json';

/**
 * Child process: the raw baseline for P1: node:http + pg running the feed's SQL (page, themes of
 * its items, their authors) and answering the same JSON as the GraphQL query, with no framework.
 */
const PAGE = `select id, type, title, published_at, author_id from content where status = 'PUBLISHED' order by published_at desc, id desc limit 21`;
const THEMES = `select ct.content_id, t.slug, t.name from content_theme ct join theme t on t.id = ct.theme_id where ct.content_id = any($1::uuid[]) order by t.name`;
const AUTHORS = `select m.id, m.display_name from member m where m.id = any($1::uuid[])`;

type Row = Record<string, any>;

async function feed(pool: Pool): Promise<object> {
  const { rows } = await pool.query<Row>(PAGE);
  const page = rows.slice(0, 20);
  const ids = page.map((row) => row.id);
  const [themes, authors] = await Promise.all([
    pool.query<Row>(THEMES, [ids]),
    pool.query<Row>(AUTHORS, [[...new Set(page.map((row) => row.author_id))]]),
  ]);
  const themesOf = new Map<string, Row[]>();
  for (const t of themes.rows) themesOf.set(t.content_id, [...(themesOf.get(t.content_id) ?? []), { slug: t.slug, name: t.name }]);
  const authorById = new Map(authors.rows.map((a) => [a.id, { id: a.id, displayName: a.display_name }]));
  const edges = page.map((row) => ({
    cursor: Buffer.from(JSON.stringify([row.published_at.toISOString(), row.id])).toString('base64url'),
    node: { id: row.id, type: row.type, title: row.title, publishedAt: row.published_at.toISOString(), themes: themesOf.get(row.id) ?? [], author: authorById.get(row.author_id) },
  }));
  return { data: { feed: { edges, pageInfo: { hasNextPage: rows.length > 20, endCursor: edges.at(-1)?.cursor ?? null } } } };
}

serveJson((pool) => feed(pool));
