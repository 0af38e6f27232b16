import { Client } from 'pg';
import pino from 'pino';
import { createTestDatabase } from '../../test/db';
import { ViewWriter, type ViewWrite } from './view-writer';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Client;
let writer: ViewWriter;

beforeAll(async () => {
  database = await createTestDatabase();
  db = new Client({ connectionString: database.url });
  await db.connect();
  writer = new ViewWriter(database.url, pino({ level: 'silent' }));
});
afterAll(async () => {
  await writer.close();
  await db.end();
  await database.drop();
});

/** The heap page a view's current version is on. */
const pagesOf = async (ids: string[]) =>
  (
    await db.query<{ page: string }>(`select (ctid::text::point)[0] as page from content_view where id = any($1) order by id`, [ids])
  ).rows.map((row) => Number(row.page));

describe('a heartbeat extending a view', () => {
  // Every heartbeat of a reader extends a view written seconds before, on pages that new views
  // keep filling. On a full page, each extension was a new row version on another page plus an
  // entry in each of content_view's five indexes (P3 measured 38% of its updates in place, and
  // PostgreSQL's bottom-up deletion of those entries at 6% of the writer's time). Pages keep room
  // for them now (Migration20261207000000_ContentViewFillfactor).
  it('keeps the view on its page, as new views fill the table', async () => {
    const members = (
      await db.query<{ id: string }>(`
        insert into member (id, email, password_hash, display_name, created_at)
        select gen_random_uuid(), 'reader' || n || '@example.com', 'x', 'Reader ' || n, now() from generate_series(1, 300) n
        returning id`)
    ).rows.map((row) => row.id);
    const [item] = (
      await db.query<{ id: string }>(
        `insert into content (id, type, title, author_id, status, published_at, created_at, updated_at)
         values (gen_random_uuid(), 'ARTICLE', 'Item', $1, 'PUBLISHED', now(), now(), now()) returning id`,
        [members[0]],
      )
    ).rows.map((row) => row.id);
    const at = new Date(Date.now() - 60_000);
    const view = (memberId: string, seconds: number, when: Date): ViewWrite => ({
      memberId,
      contentId: item,
      at: when,
      seconds,
      source: 'FEED',
    });
    // Members open the item: several pages of views, the first ones filled.
    await writer.writeMany(members.map((memberId) => view(memberId, 0, at)));
    const { rows } = await db.query<{ id: string }>(`select id from content_view order by ctid limit 5`);
    const first = rows.map((row) => row.id).sort();
    const pages = await pagesOf(first);
    expect(pages).toEqual([0, 0, 0, 0, 0]);
    // Five readers of the first page send a heartbeat.
    const readers = (await db.query<{ member_id: string }>(`select member_id from content_view where id = any($1)`, [first])).rows;
    const extended = await writer.writeMany(readers.map((row) => view(row.member_id, 15, new Date(at.getTime() + 15_000))));
    expect(extended.map((row) => [row.new_view, row.seconds])).toEqual(readers.map(() => [false, 15]));
    expect(await pagesOf(first)).toEqual(pages);
  });
});
