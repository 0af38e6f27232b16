import { Client } from 'pg';
import pino from 'pino';
import { createTestDatabase } from '../../test/db';
import { ViewWriter, type ViewWrite } from './view-writer';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Client;
let members: string[];
let items: string[];
const writers: ViewWriter[] = [];

const newWriter = () => {
  const writer = new ViewWriter(database.url, pino({ level: 'silent' }));
  writers.push(writer);
  return writer;
};

beforeAll(async () => {
  database = await createTestDatabase();
  db = new Client({ connectionString: database.url });
  await db.connect();
  members = (
    await db.query<{ id: string }>(`
      insert into member (id, email, password_hash, display_name, created_at)
      select gen_random_uuid(), 'writer' || n || '@example.com', 'x', 'Member ' || n, now() from generate_series(1, 60) n
      returning id`)
  ).rows.map((row) => row.id);
  items = (
    await db.query<{ id: string }>(
      `
      insert into content (id, type, title, author_id, status, published_at, created_at, updated_at)
      select gen_random_uuid(), 'ARTICLE', 'Item ' || n, $1, 'PUBLISHED', now(), now(), now() from generate_series(1, 5) n
      returning id`,
      [members[0]],
    )
  ).rows.map((row) => row.id);
});
afterAll(async () => {
  await Promise.all(writers.map((writer) => writer.close()));
  await db.end();
  await database.drop();
});

const view = (memberId: string, contentId: string, at: Date, seconds = 0): ViewWrite => ({
  memberId,
  contentId,
  at,
  seconds,
  source: 'FEED',
});

describe('the view writer', () => {
  // A popular item's count and rollup rows are locked by every batch that views it. Sent one
  // statement at a time, a batch kept them locked while the API's busy event loop got round to
  // reading each answer and sending the next statement (begin, locks, views, count, rollup,
  // commit), and the other batches of the item waited: P3 measured 0.28x its floor.
  it('writes a batch in one round trip, its commit included', async () => {
    const writer = newWriter();
    const at = new Date();
    await writer.write(view(members[0], items[0], at)); // the pool's first connection
    const sent = jest.spyOn(Client.prototype, 'query');
    try {
      // Two heartbeats of one view (two rounds) and views of two items.
      const rows = await writer.writeMany([
        view(members[1], items[0], at),
        view(members[2], items[0], at),
        view(members[1], items[1], at),
        view(members[1], items[0], new Date(at.getTime() + 5_000), 5),
      ]);
      expect(sent).toHaveBeenCalledTimes(1);
      expect(rows.map((row) => row.new_view)).toEqual([true, true, true, false]);
      expect(rows[3].seconds).toBe(5);
      // Each row carries its item as the batch left it: the count includes the batch's views.
      expect(rows.map(({ item }) => [item.id, item.view_count])).toEqual([
        [items[0], 3],
        [items[0], 3],
        [items[1], 1],
        [items[0], 3],
      ]);
      expect(rows[0].item).toMatchObject({ title: 'Item 1', status: 'PUBLISHED', author_id: members[0] });
      expect(rows[0].item).not.toHaveProperty('search_vector');
    } finally {
      sent.mockRestore();
    }
  });

  // The next batch is sent while the one before it is still being written (pipelined on the
  // writer's connection), so PostgreSQL starts it as soon as the first commits instead of waiting
  // for the API to read that answer and answer its callers: one batch at a time, the writer's
  // backend waited for the API's event loop (P3's batch path spent 4.7 ms a batch in the API for
  // 2.4 ms of writing, before the next batch left ahead of the callers' answers).
  it('sends the next batch while the one before it is still being written, and answers both in order', async () => {
    const writer = newWriter();
    const at = new Date();
    await writer.write(view(members[8], items[1], at)); // the writer's connection
    const holder = new Client({ connectionString: database.url });
    await holder.connect();
    // Another instance's batch holds the first item's lock: the writer's first batch waits on it.
    await holder.query('begin');
    await holder.query(`select pg_advisory_xact_lock(hashtextextended('content-views:' || $1::text, 0))`, [items[0]]);
    const sent = jest.spyOn(Client.prototype, 'query');
    try {
      const answered: string[] = [];
      const first = writer.write(view(members[9], items[0], at)).then((row) => (answered.push('first'), row));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = writer.write(view(members[9], items[1], at)).then((row) => (answered.push('second'), row));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sent.mock.calls.length).toBe(2);
      expect(answered).toEqual([]);
      sent.mockRestore();
      await holder.query('commit');
      expect([(await first).new_view, (await second).new_view]).toEqual([true, true]);
      expect(answered).toEqual(['first', 'second']);
    } finally {
      sent.mockRestore();
      await holder.end();
    }
  });

  // The answer's first_seen_at travels as epoch milliseconds (a float8), not as a timestamp the
  // driver parses: each view comes back at the very millisecond it was written.
  it('answers each view’s first_seen_at to the millisecond it was written', async () => {
    const writer = newWriter();
    const base = Date.UTC(2026, 11, 6, 10, 0, 0);
    const times = [1, 123, 499, 500, 999, 7, 250, 333, 667, 871].map((ms, i) => new Date(base - i * 60_000 + ms));
    const rows = await writer.writeMany(times.map((at, i) => view(members[40 + i], items[4], at)));
    expect(rows.map((row) => row.first_seen_at.toISOString())).toEqual(times.map((at) => at.toISOString()));
  });

  // A lost connection is not reused: the next batch connects anew.
  it('writes on a new connection after its own was cut', async () => {
    const writer = newWriter();
    const at = new Date();
    await writer.write(view(members[6], items[1], at));
    await db.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid() and query like '%hearth_record_content_views%'`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await writer.write(view(members[7], items[1], at))).new_view).toBe(true);
  });

  // Two instances' writers write heartbeats of the same items at once:
  // batches that share an item take its lock in one order, so none deadlocks, no view is opened
  // twice and no count is lost.
  it('keeps one view per member and exact counts while writers of two instances share items', async () => {
    const [one, two] = [newWriter(), newWriter()];
    const [first, second] = items.slice(2);
    const at = new Date();
    const heartbeats = members.flatMap((memberId, n) => [
      view(memberId, first, at),
      view(memberId, second, at),
      view(memberId, first, new Date(at.getTime() + 10_000), 10),
      view(memberId, n % 2 ? first : second, new Date(at.getTime() + 20_000), 10),
    ]);
    const rows = await Promise.all(heartbeats.map((heartbeat, n) => (n % 2 ? one : two).write(heartbeat)));
    expect(rows.filter((row) => row.new_view)).toHaveLength(2 * members.length);

    const { rows: counts } = await db.query<{ id: string; view_count: number; views: number; seconds: number }>(
      `select c.id, c.view_count, (select count(*)::int from content_view v where v.content_id = c.id) as views,
         (select sum(seconds)::int from content_view v where v.content_id = c.id) as seconds
       from content c where c.id = any($1::uuid[]) order by c.id`,
      [[first, second]],
    );
    for (const count of counts) expect(count.view_count).toBe(count.views);
    expect(counts.map((count) => count.views)).toEqual([members.length, members.length]);
    // content_view_day, kept by the writers, agrees with the views themselves.
    const { rows: days } = await db.query<{ content_id: string; views: number; viewers: number; seconds: number }>(
      `select content_id, sum(views)::int as views, sum(viewers)::int as viewers, sum(seconds)::int as seconds
       from content_view_day where content_id = any($1::uuid[]) group by content_id order by content_id`,
      [[first, second]],
    );
    expect(days).toEqual(
      counts.map((count) => ({ content_id: count.id, views: count.views, viewers: members.length, seconds: count.seconds })),
    );
  });
});
