import type { Client } from 'pg';
import { planTestDatabase } from '../../test/db';
import { recordViewsStatement } from '../../server/db/migrations/Migration20261206003000_RecordContentViews';
import { FIRST_CALL_MAX_SECONDS } from './view-writer';

let database: Awaited<ReturnType<typeof planTestDatabase>>;
let client: Client;
beforeAll(async () => {
  // A community with some history (200 members, 100 items, 20,000 views).
  database = await planTestDatabase(200, async (db) => {
    await db.query(`
      insert into content (id, type, title, author_id, status, published_at, created_at, updated_at)
      select gen_random_uuid(), 'ARTICLE', 'Item ' || n, (select id from member limit 1), 'PUBLISHED', now(), now(), now()
      from generate_series(1, 100) n`);
    await db.query(`
      insert into content_view (id, member_id, content_id, first_seen_at, last_seen_at, seconds, source)
      select gen_random_uuid(), m.id, c.id, now() - interval '1 day', now() - interval '1 day', 30, 'FEED'
      from member m cross join content c`);
  });
  client = database.client;
});
afterAll(() => database.drop());

describe('the view writer’s statement', () => {
  // The writer sends it as a prepared statement, so PostgreSQL soon runs a generic plan, made for
  // 100 views whatever a batch holds, and kept while the table grows. In the bench an `exists`
  // was planned as one hashed scan of all of content_view, and the update as a hash join over
  // another: each batch read the whole table twice, about 1 ms per view at 40,000 rows. The old
  // statement's generic plan does the same here, at PostgreSQL's default costs.
  it('finds each view’s rows by index probes, never by a scan of all of content_view, in its generic plan', async () => {
    await client.query('begin');
    try {
      await client.query(`set local plan_cache_mode = force_generic_plan`);
      await client.query(`prepare record_views(jsonb, int) as ${recordViewsStatement('$1::jsonb', '$2::int')}`);
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain execute record_views('[]', ${FIRST_CALL_MAX_SECONDS})`);
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Index (Only )?Scan using content_view_\w+ on content_view/);
      expect(plan).not.toMatch(/Seq Scan on content_view/);
      expect(plan).not.toMatch(/hashed SubPlan/);
    } finally {
      await client.query('rollback');
    }
  });
});
