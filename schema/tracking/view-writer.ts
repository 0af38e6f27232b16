import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Orm } from '../../server/db/orm';
import { uuidArray } from '../../server/db/sql';

/** What the first call of a view may credit: there is no earlier call to measure elapsed time from. */
export const FIRST_CALL_MAX_SECONDS = 60;

/**
 * One statement under a per-(member, item) lock: extends the member's view of the item if it was
 * last seen less than 30 minutes ago (so within the current visit, by the visit definition: each
 * call is activity), else starts a new view (counted on the item after the commit). The credit is capped by the
 * real time since the previous call. Params: member, content, now, seconds, first-call cap, source,
 * new id.
 */
const RECORD_VIEW_SQL = `
with params as (
  select ?::uuid as member_id, ?::uuid as content_id, ?::timestamptz as at, ?::int as seconds,
         ?::int as first_cap, ?::view_source as source, ?::uuid as new_id
), current_view as (
  select v.id, v.last_seen_at from content_view v, params p
  where v.member_id = p.member_id and v.content_id = p.content_id and v.last_seen_at > p.at - interval '30 minutes'
  order by v.last_seen_at desc limit 1
), extended as (
  update content_view v set
    seconds = v.seconds + least(p.seconds, greatest(0, floor(extract(epoch from (p.at - v.last_seen_at))))::int),
    last_seen_at = greatest(v.last_seen_at, p.at)
  from params p, current_view c where v.id = c.id
  returning v.seconds, v.first_seen_at, false as new_view
), visit_now as (
  select vi.id from visit vi, params p
  where vi.member_id = p.member_id and vi.last_activity_at > p.at - interval '30 minutes'
  order by vi.started_at desc limit 1
), inserted as (
  insert into content_view (id, member_id, content_id, visit_id, first_seen_at, last_seen_at, seconds, source)
  select p.new_id, p.member_id, p.content_id, (select id from visit_now), p.at, p.at, least(p.seconds, p.first_cap),
    -- opened from a digest link in the last 30 minutes: the view comes from that email
    case when exists (select 1 from digest_click c where c.member_id = p.member_id and c.content_id = p.content_id
      and c.clicked_at > p.at - interval '30 minutes' and c.clicked_at <= p.at) then 'EMAIL'::view_source else p.source end
  from params p where not exists (select 1 from current_view)
  returning seconds, first_seen_at, true as new_view
)
select seconds, first_seen_at, new_view from extended union all select seconds, first_seen_at, new_view from inserted`;

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
  index: number;
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
 * Within a batch, advisory locks are taken in key order so concurrent instances cannot deadlock.
 */
export class ViewWriter {
  private queue: Pending[] = [];
  private draining: Promise<void> | null = null;
  private sequence = 0;

  constructor(
    private readonly orm: Orm,
    private readonly logger: Logger,
  ) {}

  write(view: ViewWrite): Promise<ViewRow> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...view, index: this.sequence++, resolve, reject });
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
    const ordered = [...batch].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.index - b.index));
    const em = this.orm.em.fork() as EntityManager;
    const rows = await em.transactional(async (tx) => {
      const written = new Map<Pending, ViewRow>();
      for (const view of ordered) {
        // Two heartbeats of one view arriving together must extend one row, not open two.
        await tx.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [key(view)]);
        const [row] = await tx.execute<ViewRow[]>(RECORD_VIEW_SQL, [view.memberId, view.contentId, view.at, view.seconds, FIRST_CALL_MAX_SECONDS, view.source, randomUUID()]);
        written.set(view, row);
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
