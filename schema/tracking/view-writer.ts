import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { createPool, type DatabaseTimeouts } from '../../server/db/pool';
import { distinctRounds } from '../../server/db/sql';
import { isUnavailableError } from '../../server/unavailable';

/** What the first call of a view may credit: there is no earlier call to measure elapsed time from. */
export const FIRST_CALL_MAX_SECONDS = 60;

/**
 * One statement for a set of views with distinct (member, item) keys, under their locks: each
 * extends the member's view of the item if it was last seen less than 30 minutes ago (so within
 * the current visit, by the visit definition: each call is activity), else starts a new view
 * (counted on the item in the same commit). The credit is capped by the real time since the previous
 * call. Params: the views as JSON (idx, member_id, content_id, at, seconds, source, new_id), the
 * first-call cap. Exported for its plan's test.
 */
export const RECORD_VIEWS_SQL = `
with params as (
  select * from jsonb_to_recordset($1::jsonb)
    as p(idx int, member_id uuid, content_id uuid, at timestamptz, seconds int, source view_source, new_id uuid)
), matched as (
  -- each view with the member's current view of the item, if any (one index probe per view), and
  -- for a new view whether the member saw the item before (content_view_day counts each viewer once)
  select p.*, cv.id as view_id, cv.credit, cv.id is null and before.seen is not null as seen_before
  from params p
  left join lateral (
    select v.id, least(p.seconds, greatest(0, floor(extract(epoch from (p.at - v.last_seen_at))))::int) as credit from content_view v
    where v.member_id = p.member_id and v.content_id = p.content_id and v.last_seen_at > p.at - interval '30 minutes'
    order by v.last_seen_at desc limit 1
  ) cv on true
  -- a lateral probe, not \`exists\`: PostgreSQL may run an \`exists\` as one hashed scan of the whole
  -- table, which a prepared statement's generic plan (planned for 100 views) kept doing as the
  -- table grew: two full scans of content_view per batch made a batch cost about 1 ms per view
  left join lateral (
    select true as seen from content_view e where e.content_id = p.content_id and e.member_id = p.member_id limit 1
  ) before on true
), extended as (
  -- the views to extend found by primary key (\`= any\`), for the same reason: a join on \`id\`
  -- alone was planned as a hash join over a full scan of content_view
  update content_view v set seconds = v.seconds + m.credit, last_seen_at = greatest(v.last_seen_at, m.at)
  from matched m where v.id = m.view_id and v.id = any(array(select view_id from matched where view_id is not null))
  returning m.idx, v.seconds, v.first_seen_at, false as new_view, m.credit, false as seen_before
), visit_now as (
  -- once per member and time (a call's views share both), not once per view
  select m.member_id, m.at, (select vi.id from visit vi where vi.member_id = m.member_id and vi.last_activity_at > m.at - interval '30 minutes'
    order by vi.started_at desc limit 1) as id
  from (select distinct member_id, at from params) m
), inserted as (
  insert into content_view (id, member_id, content_id, visit_id, first_seen_at, last_seen_at, seconds, source)
  select m.new_id, m.member_id, m.content_id, w.id, m.at, m.at, least(m.seconds, $2::int),
    -- opened from a digest link in the last 30 minutes: the view comes from that email
    case when exists (select 1 from digest_click c where c.member_id = m.member_id and c.content_id = m.content_id
      and c.clicked_at > m.at - interval '30 minutes' and c.clicked_at <= m.at) then 'EMAIL'::view_source else m.source end
  from matched m join visit_now w on w.member_id = m.member_id and w.at = m.at
  where m.view_id is null
  returning id, seconds, first_seen_at
)
select idx, seconds, first_seen_at, new_view, credit, seen_before from extended
union all
select m.idx, i.seconds, i.first_seen_at, true, i.seconds, m.seen_before from inserted i join matched m on m.new_id = i.id`;

export interface ViewWrite {
  memberId: string;
  contentId: string;
  at: Date;
  seconds: number;
  source: string;
}

export interface ViewRow {
  seconds: number;
  first_seen_at: Date;
  new_view: boolean;
}

/** A row of RECORD_VIEWS_SQL: the view as written, the seconds this call credited, whether the member had viewed the item before a new view. */
interface RecordedRow extends ViewRow {
  idx: number;
  credit: number;
  seen_before: boolean;
}

const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/**
 * What a batch changes in content_view_day, per item and UTC day of the views' first_seen_at: a new
 * view is one more view; the seconds credited go to the day its view began; a member is a viewer
 * on the day of their first view of the item. The writer never starts a view before an existing
 * one (a view seen later than 30 minutes before `at` is extended instead), so a new view is the
 * member's first exactly when they had not seen the item before.
 */
class ViewDayChanges {
  private readonly byKey = new Map<string, { content_id: string; day: string; views: number; viewers: number; seconds: number }>();

  add(contentId: string, row: RecordedRow): void {
    const day = utcDay(row.first_seen_at);
    const change = this.change(contentId, day);
    change.seconds += row.credit;
    if (!row.new_view) return;
    change.views += 1;
    if (!row.seen_before) change.viewers += 1;
  }

  changes() {
    return [...this.byKey.values()].filter((change) => change.views || change.viewers || change.seconds);
  }

  private change(contentId: string, day: string) {
    const key = `${contentId}:${day}`;
    let change = this.byKey.get(key);
    if (!change) this.byKey.set(key, (change = { content_id: contentId, day, views: 0, viewers: 0, seconds: 0 }));
    return change;
  }
}

interface Pending extends ViewWrite {
  resolve(row: ViewRow): void;
  reject(error: unknown): void;
}

/**
 * Every key's lock in one statement, in a fixed order so concurrent batches and instances cannot
 * deadlock. The transaction also tells content_view's triggers that the writer keeps
 * content_view_day itself (COUNT_VIEW_DAYS_SQL), once per batch rather than per statement.
 */
const LOCK_VIEWS_SQL = `
with writer as (select set_config('hearth.content_view_day', 'writer', true))
select pg_advisory_xact_lock(hashtextextended(k, 0)) from writer, unnest($1::text[]) as k order by k`;

/**
 * New views count on their items in the batch's commit (a separate one cost a second disk flush per
 * batch). Item rows are locked in id order, so batches sharing items cannot deadlock.
 */
const COUNT_VIEWS_SQL = `
with counted as (select id, count(*)::int as n from unnest($1::uuid[]) as id group by id),
     locked as (select c.id from content c join counted x on x.id = c.id order by c.id for no key update of c)
update content c set view_count = c.view_count + x.n from counted x where c.id = x.id and c.id in (select id from locked)`;

/**
 * The batch's changes to the per-item, per-UTC-day rollup of views (see the ContentViewDays
 * migration): added to its rows in key order, the last statement before the commit, after the item
 * rows are locked, so batches sharing items wait for each other's commit only and cannot deadlock.
 */
const COUNT_VIEW_DAYS_SQL = `
insert into content_view_day (content_id, day, views, viewers, seconds)
select d.content_id, d.day, d.views, d.viewers, d.seconds
from jsonb_to_recordset($1::jsonb) as d(content_id uuid, day date, views int, viewers int, seconds bigint)
order by d.content_id, d.day
on conflict (content_id, day) do update set
  views = content_view_day.views + excluded.views,
  viewers = content_view_day.viewers + excluded.viewers,
  seconds = content_view_day.seconds + excluded.seconds`;

/** At most this many views share one transaction. */
const BATCH = 500;
/**
 * Batches written at once, each on its own connection of the writer's pool. While one batch waits
 * for its commit (the disk) or its statement, the next is already being written; overlapping keys
 * queue on their advisory locks, taken in one global order, so lanes cannot deadlock.
 */
const LANES = 3;

/**
 * Group commit for content views. A commit waits for the disk (fdatasync: ~8 ms on the bench
 * machine), so one transaction per heartbeat caps ingest at the disk's pace. Views arriving while
 * batches are being written wait for the next one: one transaction, one commit for all of them,
 * and each caller is answered only after that commit (an acknowledged view is in the database).
 * A batch is one statement (per round of distinct keys) rather than one per view: PostgreSQL planned
 * and ran the per-view statement serially, which capped ingest far below the disk's pace.
 *
 * The writer has its own small pool and sends its three statements as prepared statements with
 * bound parameters: a batch's JSON is neither escaped into the SQL text by the ORM nor parsed and
 * planned again by PostgreSQL for every batch.
 */
export class ViewWriter {
  private readonly pool: Pool;
  private queue: Pending[] = [];
  /** Batches being written now (each its own transaction), at most LANES. */
  private lanes = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    databaseUrl: string,
    private readonly logger: Logger,
    timeouts?: DatabaseTimeouts,
  ) {
    // A dropped connection is logged; the pool makes a new one for the next batch.
    this.pool = createPool(databaseUrl, { max: LANES, timeouts, logger, name: 'content view writer' });
  }

  write(view: ViewWrite): Promise<ViewRow> {
    return this.writeMany([view]).then(([row]) => row);
  }

  /** Several views (one client's buffered heartbeats): queued together, so they share a batch. */
  writeMany(views: ViewWrite[]): Promise<ViewRow[]> {
    const rows = views.map((view) => new Promise<ViewRow>((resolve, reject) => this.queue.push({ ...view, resolve, reject })));
    while (this.lanes < LANES && this.queue.length) {
      this.lanes++;
      void this.lane();
    }
    return Promise.all(rows);
  }

  /** Resolves once everything queued so far is written. */
  async idle(): Promise<void> {
    if (this.lanes) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Writes what is queued, then closes the pool (shutdown). */
  async close(): Promise<void> {
    await this.idle();
    await this.pool.end();
  }

  private async lane(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, BATCH);
        await this.writeBatch(batch).catch((error: unknown) => {
          this.logger.error({ err: error, views: batch.length }, 'writing a batch of content views failed');
          for (const view of batch) view.reject(error);
        });
      }
    } finally {
      if (--this.lanes === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    const key = (view: Pending) => `view:${view.memberId}:${view.contentId}`;
    const rows = await this.transaction(async (client) => {
      const viewDays = new ViewDayChanges();
      await client.query({ name: 'hearth-view-locks', text: LOCK_VIEWS_SQL, values: [[...new Set(batch.map(key))]] });
      const written = new Map<Pending, ViewRow>();
      // Two heartbeats of one view in a batch must extend one row, not open two: rounds of distinct
      // keys, in arrival order (usually one round).
      for (const round of distinctRounds(batch, key)) {
        const views = round.map((view, idx) => ({
          idx,
          member_id: view.memberId,
          content_id: view.contentId,
          at: view.at.toISOString(),
          seconds: view.seconds,
          source: view.source,
          new_id: randomUUID(),
        }));
        const result = await client.query<RecordedRow>({
          name: 'hearth-record-views',
          text: RECORD_VIEWS_SQL,
          values: [JSON.stringify(views), FIRST_CALL_MAX_SECONDS],
        });
        for (const row of result.rows) {
          written.set(round[row.idx], { seconds: row.seconds, first_seen_at: row.first_seen_at, new_view: row.new_view });
          viewDays.add(round[row.idx].contentId, row);
        }
      }
      const counted = batch.filter((view) => written.get(view)!.new_view).map((view) => view.contentId);
      if (counted.length) await client.query({ name: 'hearth-count-views', text: COUNT_VIEWS_SQL, values: [counted] });
      const days = viewDays.changes();
      if (days.length) await client.query({ name: 'hearth-count-view-days', text: COUNT_VIEW_DAYS_SQL, values: [JSON.stringify(days)] });
      return written;
    });
    for (const view of batch) view.resolve(rows.get(view)!);
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('begin');
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      // A connection whose server stopped answering may still owe the answer: never reuse it.
      broken = isUnavailableError(error);
      if (!broken) await client.query('rollback').catch(() => (broken = true));
      throw error;
    } finally {
      // A connection that could not even roll back is discarded, not reused.
      client.release(broken);
    }
  }
}
