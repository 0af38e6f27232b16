import type { Client } from 'pg';
import { planTestDatabase } from '../../test/db';
import { recordViewsStatement } from '../../server/db/migrations/Migration20261206200000_RecordViewsOneProbe';
import { FIRST_CALL_MAX_SECONDS } from './view-writer';

/** A community of `members` members and `items` items, each item viewed once, a day ago, by `viewers` of the members. */
const community = (members: number, items: number, viewers: number) =>
  planTestDatabase(members, async (db) => {
    await db.query(
      `insert into content (id, type, title, author_id, status, published_at, created_at, updated_at)
       select gen_random_uuid(), 'ARTICLE', 'Item ' || n, (select id from member limit 1), 'PUBLISHED', now(), now(), now()
       from generate_series(1, $1::int) n`,
      [items],
    );
    await db.query(
      `insert into content_view (id, member_id, content_id, first_seen_at, last_seen_at, seconds, source)
       select gen_random_uuid(), m.id, c.id, now() - interval '1 day', now() - interval '1 day', 30, 'FEED'
       from (select id from member limit $1::int) m cross join content c`,
      [viewers],
    );
  });

let database: Awaited<ReturnType<typeof planTestDatabase>>;
let client: Client;
beforeAll(async () => {
  // A community with some history (200 members, 100 items, 20,000 views).
  database = await community(200, 100, 200);
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
    // With PostgreSQL's default settings: the statement holds up even without the function's own.
    const plan = await genericPlan(client, []);
    expect(plan).toMatch(/Index (Only )?Scan using content_view_\w+ on content_view/);
    expect(plan).not.toMatch(/Seq Scan on content_view/);
    expect(plan).not.toMatch(/hashed SubPlan/);
  });
});

/** The settings hearth_record_content_views runs its statements with (its `set` clauses), as `set local` statements. */
async function functionSettings(db: Client): Promise<string[]> {
  const { rows } = await db.query<{ setting: string }>(
    `select unnest(proconfig) as setting from pg_proc where proname = 'hearth_record_content_views'`,
  );
  return rows.map(({ setting }) => {
    const [name, value] = setting.split('=');
    return `set local ${name} = '${value}'`;
  });
}

/** The generic plan of the writer's statement, under `settings`, as EXPLAIN prints it. */
async function genericPlan(db: Client, settings: string[]): Promise<string> {
  await db.query('begin');
  try {
    for (const setting of [`set local plan_cache_mode = force_generic_plan`, ...settings]) await db.query(setting);
    await db.query(`prepare record_views(jsonb, int) as ${recordViewsStatement('$1::jsonb', '$2::int')}`);
    const { rows } = await db.query<{ 'QUERY PLAN': string }>(`explain execute record_views('[]', ${FIRST_CALL_MAX_SECONDS})`);
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await db.query('rollback');
    await db.query('deallocate all');
  }
}

describe('the view writer’s statement in a community starting out', () => {
  let small: Awaited<ReturnType<typeof planTestDatabase>>;
  beforeAll(async () => {
    // 20 members, 10 items, 50 views: what a new community (or a table just emptied) holds when
    // the writer's connection first plans the statement.
    small = await community(20, 10, 5);
  });
  afterAll(() => small.drop());

  // A connection keeps the generic plan it made, and the tables grow under it. Made on a small
  // table, the update found the views to extend with a scan of all of content_view: as P3's
  // batches added 100,000 views, a batch of 100 views came to take 50 ms, and the writer wrote
  // 1,500 new rows/s instead of 9,000, in one run of two. The function's statements run with
  // sequential scans off: each of its reads is a probe by key, whatever the statistics say.
  it('finds the views by index probes even in a generic plan made on a nearly empty table', async () => {
    const plan = await genericPlan(small.client, await functionSettings(small.client));
    expect(plan).toMatch(/Index (Only )?Scan using content_view_pkey on content_view/);
    expect(plan).not.toMatch(/Seq Scan on content_view/);
  });

  // A generic plan's cost grows with the statistics (each probe is estimated for a large table),
  // and above jit_above_cost PostgreSQL compiled the statement with LLVM at every batch: 40 ms of
  // compiling for 5 ms of writing. Its statements are short probes: never compiled.
  it('is never compiled by JIT, however large the table is estimated to be', async () => {
    const settings = await functionSettings(small.client);
    expect(settings).toContain(`set local jit = 'off'`);
    const [{ available }] = (await small.client.query<{ available: boolean }>('select pg_jit_available() as available')).rows;
    // A server built without LLVM (the embedded one) never compiles: the setting is all there is to see.
    if (!available) return;
    const cheapJit = ['set local jit = on', 'set local jit_above_cost = 0'];
    expect(await genericPlan(small.client, cheapJit)).toMatch(/JIT:/);
    expect(await genericPlan(small.client, [...cheapJit, ...settings])).not.toMatch(/JIT:/);
  });
});
