import { serveJson } from './serve-json';

/**
 * Child process: the raw baseline for P1: node:http + pg, the same token check, one prepared
 * statement (as Hearth's feed is) for the page with its items' themes, authors and the viewer's
 * seenByMe, answering the JSON of the shipped client's `Feed` operation (first: 20), no framework.
 * It leaves out what moderation hides from the viewer (hidden items, suspended authors' items, not
 * their own), as the feed's contract says and Hearth does: a baseline without it did less work.
 */
const PAGE = {
  name: 'feed-page',
  text: `select c.id, c.type, c.title, c.summary, c.media_url, c.status, c.published_at, c.comment_count, c.view_count,
    exists (select 1 from content_view v where v.member_id = $1 and v.content_id = c.id) as seen,
    coalesce((select json_agg(json_build_object('slug', t.slug, 'name', t.name) order by t.name) from content_theme ct join theme t on t.id = ct.theme_id where ct.content_id = c.id), '[]') as themes,
    (select json_build_object('id', m.id, 'displayName', m.display_name, 'company', m.company) from member m where m.id = c.author_id) as author
  from content c where c.status = 'PUBLISHED'
    and (c.author_id = $1 or (c.hidden_at is null and c.author_id not in (select hider.id from member hider where hider.suspended_until > now())))
  order by c.published_at desc, c.id desc limit 21`,
};

type Row = Record<string, any>;

serveJson(async (pool, viewerId) => {
  const { rows } = await pool.query<Row>({ ...PAGE, values: [viewerId] });
  const edges = rows.slice(0, 20).map((row) => {
    const publishedAt = row.published_at.toISOString();
    return {
      cursor: Buffer.from(JSON.stringify([publishedAt, row.id])).toString('base64url'),
      node: {
        id: row.id,
        type: row.type,
        title: row.title,
        summary: row.summary,
        mediaUrl: row.media_url,
        status: row.status,
        publishedAt,
        commentCount: row.comment_count,
        viewCount: row.view_count,
        seenByMe: row.seen,
        themes: row.themes,
        author: row.author,
      },
    };
  });
  return { data: { feed: { edges, pageInfo: { hasNextPage: rows.length > 20, endCursor: edges.at(-1)?.cursor ?? null } } } };
});
