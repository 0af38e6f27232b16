import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Orm } from '../../server/db/orm';
import { textArray, uuidArray } from '../../server/db/sql';

/** What the first call of a view may credit: there is no earlier call to measure elapsed time from. */
export const FIRST_CALL_MAX_SECONDS = 60;

/**
 * One statement for a set of views with distinct (member, item) keys, under their locks: each
 * extends the member's view of the item if it was last seen less than 30 minutes ago (so within
 * the current visit, by the visit definition: each call is activity), else starts a new view
 * (counted on the item after the commit). The credit is capped by the real time since the previous
 * call. Params: the views as JSON (idx, member_id, content_id, at, seconds, source, new_id), the
 * first-call cap.
 */
const RECORD_VIEWS_SQL = `
with params as (
  select * from jsonb_to_recordset(?::jsonb)
    as p(idx int, member_id uuid, content_id uuid, at timestamptz, seconds int, source view_source, new_id uuid)
), current_view as (
  select distinct on (p.idx) p.idx, v.id, v.last_seen_at from params p
  join content_view v on v.member_id = p.member_id and v.content_id = p.content_id and v.last_seen_at > p.at - interval '30 minutes'
  order by p.idx, v.last_seen_at desc
), extended as (
  update content_view v set
    seconds = v.seconds + least(p.seconds, greatest(0, floor(extract(epoch from (p.at - v.last_seen_at))))::int),
    last_seen_at = greatest(v.last_seen_at, p.at)
  from params p join current_view c on c.idx = p.idx where v.id = c.id
  returning p.idx, v.seconds, v.first_seen_at, false as new_view
), visit_now as (
  select distinct on (p.idx) p.idx, vi.id from params p
  join visit vi on vi.member_id = p.member_id and vi.last_activity_at > p.at - interval '30 minutes'
  order by p.idx, vi.started_at desc
), inserted as (
  insert into content_view (id, member_id, content_id, visit_id, first_seen_at, last_seen_at, seconds, source)
  select p.new_id, p.member_id, p.content_id, (select w.id from visit_now w where w.idx = p.idx), p.at, p.at, least(p.seconds, ?::int),
    -- opened from a digest link in the last 30 minutes: the view comes from that email
    case when exists (select 1 from digest_click c where c.member_id = p.member_id and c.content_id = p.content_id
      and c.clicked_at > p.at - interval '30 minutes' and c.clicked_at <= p.at) then 'EMAIL'::view_source else p.source end
  from params p where not exists (select 1 from current_view c where c.idx = p.idx)
  returning id, seconds, first_seen_at
)
select idx, seconds, first_seen_at, new_view from extended
union all
select p.idx, i.seconds, i.first_seen_at, true from inserted i join params p on p.new_id = i.id`;

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

interface Pending extends ViewWrite {
  resolve(row: ViewRow): void;
  reject(error: unknown): void;
}

/** At most this many views share one transaction. */
const BATCH = 500;

/**
 * Group commit for content views. A commit waits for the disk (fdatasync: ~8 ms on the bench
 * machine), so one transaction per heartbeat caps ingest at the disk's pace. Views arriving while
 * a batch is being written wait for the next one: one transaction, one commit for all of them,
 * and each caller is answered only after that commit (an acknowledged view is in the database).
 * A batch is one statement (per round of distinct keys) rather than one per view: PostgreSQL planned
 * and ran the per-view statement serially, which capped ingest far below the disk's pace.
 */
export class ViewWriter {
  private queue: Pending[] = [];
  private draining: Promise<void> | null = null;

  constructor(
    private readonly orm: Orm,
    private readonly logger: Logger,
  ) {}

  write(view: ViewWrite): Promise<ViewRow> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...view, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Resolves once everything queued so far is written (shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, BATCH);
        await this.writeBatch(batch).catch((error: unknown) => {
          this.logger.error({ err: error, views: batch.length }, 'writing a batch of content views failed');
          for (const view of batch) view.reject(error);
        });
      }
    } finally {
      this.draining = null;
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    const key = (view: Pending) => `view:${view.memberId}:${view.contentId}`;
    const em = this.orm.em.fork() as EntityManager;
    const rows = await em.transactional(async (tx) => {
      // Every key's lock in one statement, in a fixed order so concurrent instances cannot deadlock.
      await tx.execute('select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(?::text[]) as k order by k', [textArray([...new Set(batch.map(key))])]);
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
        const result = await tx.execute<(ViewRow & { idx: number })[]>(RECORD_VIEWS_SQL, [JSON.stringify(views), FIRST_CALL_MAX_SECONDS]);
        for (const row of result) written.set(round[row.idx], { seconds: row.seconds, first_seen_at: row.first_seen_at, new_view: row.new_view });
      }
      return written;
    });
    // Counters after the commit, one statement: an item's row is never locked across a transaction.
    const counted = batch.filter((view) => rows.get(view)!.new_view).map((view) => view.contentId);
    if (counted.length) {
      await em.execute(
        `update content c set view_count = c.view_count + x.n
           from (select id, count(*)::int as n from unnest(?::uuid[]) as id group by id) x where c.id = x.id`,
        [uuidArray(counted)],
      );
    }
    for (const view of batch) view.resolve(rows.get(view)!);
  }
}

/** Splits views into rounds where each key appears at most once, keeping each key's calls in order. */
function distinctRounds<T>(items: T[], key: (item: T) => string): T[][] {
  const rounds: T[][] = [];
  const seen = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    const round = (seen.get(k) ?? -1) + 1;
    seen.set(k, round);
    (rounds[round] ??= []).push(item);
  }
  return rounds;
}
