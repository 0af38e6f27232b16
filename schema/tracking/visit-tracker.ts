import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../server/clock';
import { distinctRounds, textArray, uuidArray } from '../../server/db/sql';
import type { Orm } from '../../server/db/orm';
import { VisitSource } from './visit.entity';

/** PRODUCT.md: a gap of 30 minutes or more without activity starts a new visit. */
export const VISIT_GAP_MS = 30 * 60 * 1000;

export interface ActivityInterval {
  memberId: string;
  start: number;
  end: number;
  source: VisitSource;
  attributedDigestId: string | null;
}

interface CachedInterval extends ActivityInterval {
  persistedStart: number;
  persistedEnd: number;
}

/** Epoch milliseconds: a member's latest activity moves from `after` (exclusive) to at most `upTo`. */
export interface UnwrittenSpan {
  after: number;
  upTo: number;
}

const isDirty = (interval: CachedInterval) => interval.start !== interval.persistedStart || interval.end !== interval.persistedEnd;

/**
 * Turns activity into visits without a database round trip per request.
 *
 * Each instance keeps, per member, the interval of activity it has seen (internal gaps < 30 min).
 * The first activity of an interval is written at once, so a visit is never lost; later activity
 * only moves the interval's end in memory and is flushed in batches. Writing an interval merges it,
 * under a per-member advisory lock, with every stored visit less than 30 minutes away. Merging is
 * order-independent, so several instances (or a late flush) converge on exactly the visits the
 * definition gives for the union of all activity.
 */
export class VisitTracker {
  private readonly recent = new Map<string, CachedInterval>();
  private readonly opening = new Map<string, Promise<void>>();
  private readonly openingQueue: { intervals: ActivityInterval[]; resolve(): void; reject(error: unknown): void }[] = [];
  private openingDrain: Promise<void> | null = null;
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly orm: Orm,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  start(flushEveryMs: number): void {
    this.timer = setInterval(() => {
      this.flush().catch((err: unknown) => this.logger.error({ err }, 'visit flush failed; will retry'));
    }, flushEveryMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  async recordActivity(
    memberId: string,
    at: Date = this.clock.now(),
    source: VisitSource = VisitSource.DIRECT,
    attributedDigestId: string | null = null,
  ): Promise<void> {
    const time = at.getTime();
    const opening = this.opening.get(memberId);
    if (opening) await opening;
    const known = this.recent.get(memberId);
    if (known && time - known.end < VISIT_GAP_MS && known.start - time < VISIT_GAP_MS) {
      known.start = Math.min(known.start, time);
      known.end = Math.max(known.end, time);
      return;
    }
    const fresh: ActivityInterval = { memberId, start: time, end: time, source, attributedDigestId };
    // The interval being replaced may hold activity not flushed yet: write both together.
    const batch = known && isDirty(known) ? [known, fresh] : [fresh];
    const write = this.mergeOpening(batch).then(() => {
      this.recent.set(memberId, { ...fresh, persistedStart: time, persistedEnd: time });
    });
    this.opening.set(memberId, write);
    try {
      await write;
    } finally {
      this.opening.delete(memberId);
    }
  }

  /**
   * Activity known as a whole interval, such as time connected to a live session's room: merged
   * into the member's visits at once (the interval may be longer than the 30-minute gap).
   */
  async recordInterval(memberId: string, start: Date, end: Date, source: VisitSource): Promise<void> {
    await this.mergeOpening([
      { memberId, start: start.getTime(), end: Math.max(start.getTime(), end.getTime()), source, attributedDigestId: null },
    ]);
  }

  /**
   * What a flush would change of members' latest activity, for readers that may skip it. Every
   * interval is written at its first activity, so its member's written visits already reach its
   * written end; an interval extended since moves that member's latest activity within (written
   * end, end], and nowhere else. `undefined` when some interval also grew earlier than its written
   * start (activity reported late): that can join older visits, and only a flush tells.
   */
  unwrittenSpans(): UnwrittenSpan[] | undefined {
    const spans: UnwrittenSpan[] = [];
    for (const interval of this.recent.values()) {
      if (!isDirty(interval)) continue;
      if (interval.start < interval.persistedStart) return undefined;
      spans.push({ after: interval.persistedEnd, upTo: interval.end });
    }
    return spans;
  }

  /** Writes every interval extended since its last write, and forgets intervals that are over. */
  flush(): Promise<void> {
    this.flushing = this.flushing.catch(() => undefined).then(() => this.flushNow());
    return this.flushing;
  }

  private async flushNow(): Promise<void> {
    const dirty = [...this.recent.values()].filter(isDirty).map((cached) => ({ cached, written: { ...cached } }));
    if (dirty.length) await this.merge(dirty.map(({ written }) => written));
    for (const { cached, written } of dirty) {
      // Activity that arrived during the write keeps the interval dirty for the next flush.
      cached.persistedStart = written.start;
      cached.persistedEnd = written.end;
    }
    const now = this.clock.now().getTime();
    for (const [memberId, cached] of this.recent) {
      if (!isDirty(cached) && now - cached.end >= VISIT_GAP_MS) this.recent.delete(memberId);
    }
  }

  /**
   * Group commit for the first activity of visits: openings arriving while one merge is being
   * written go together into the next (one transaction, one wait for the disk), and each caller
   * returns only after its own interval was committed.
   */
  private mergeOpening(intervals: ActivityInterval[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.openingQueue.push({ intervals, resolve, reject });
      this.openingDrain ??= this.drainOpenings();
    });
  }

  private async drainOpenings(): Promise<void> {
    try {
      while (this.openingQueue.length) {
        const group = this.openingQueue.splice(0);
        try {
          await this.merge(group.flatMap((entry) => entry.intervals));
          for (const entry of group) entry.resolve();
        } catch (error) {
          for (const entry of group) entry.reject(error);
        }
      }
    } finally {
      this.openingDrain = null;
    }
  }

  private async merge(intervals: ActivityInterval[]): Promise<void> {
    const ordered = [...intervals].sort((a, b) => a.memberId.localeCompare(b.memberId) || a.start - b.start);
    const memberIds = [...new Set(ordered.map((interval) => interval.memberId))];
    // Rounds where each member appears once (a flush: one round for every member), in time order
    // per member: one statement per round rather than one per member.
    const rounds = distinctRounds(ordered, (interval) => interval.memberId);
    await this.orm.em.fork().transactional(async (em) => {
      // One statement takes every member's lock, in a fixed order so two flushes cannot deadlock.
      await em.execute(`select pg_advisory_xact_lock(hashtextextended('visit:' || m, 0)) from unnest(?::text[]) as m order by m`, [
        uuidArray(memberIds),
      ]);
      for (const members of rounds) await em.execute(MERGE_INTERVALS_SQL, mergeParams(members));
    });
  }
}

/**
 * One round's intervals as MERGE_INTERVALS_SQL's parallel arrays. Inlined as array literals, they
 * let PostgreSQL count the round's rows (unnest's estimate) and plan index lookups for them, where
 * a JSON record set counted as 100 rows had it scan whole tables (the visit table three times).
 */
export function mergeParams(intervals: ActivityInterval[]): string[] {
  const iso = (time: number) => new Date(time).toISOString();
  return [
    uuidArray(intervals.map((interval) => interval.memberId)),
    textArray(intervals.map((interval) => iso(interval.start))),
    textArray(intervals.map((interval) => iso(interval.end))),
    uuidArray(intervals.map(() => randomUUID())),
    textArray(intervals.map((interval) => interval.source)),
    // An unquoted NULL is a null element of an array literal.
    uuidArray(intervals.map((interval) => interval.attributedDigestId ?? 'NULL')),
  ];
}

/**
 * Merges each member's [start, end] into their visits (one interval per member): every visit less
 * than 30 minutes away from it collapses into the earliest one (which keeps its source and
 * attribution); no such visit means a new one, from the email whose link the member followed in
 * the 30 minutes before it began (source EMAIL), attributed to its digest if it was one. Params: the intervals as
 * parallel arrays (member_id, started_at, ended_at, new_id, source, attributed_digest_id; see mergeParams).
 */
export const MERGE_INTERVALS_SQL = `
with input as (
  select * from unnest(?::uuid[], ?::timestamptz[], ?::timestamptz[], ?::uuid[], ?::visit_source[], ?::uuid[])
    as i(member_id, started_at, ended_at, new_id, source, attributed_digest_id)
), params as (
  select i.member_id, i.started_at, i.ended_at, i.new_id,
    case when i.attributed_digest_id is null and click.clicked_at is not null then 'EMAIL'::visit_source else i.source end as source,
    coalesce(i.attributed_digest_id, click.digest_id) as attributed_digest_id
  from input i
  left join lateral (
    select c.digest_id, c.clicked_at from digest_click c
    where c.member_id = i.member_id and c.clicked_at > i.started_at - interval '30 minutes' and c.clicked_at <= i.started_at
    order by c.clicked_at desc limit 1
  ) click on true
), near as (
  select p.member_id, v.id, v.started_at, v.last_activity_at from params p
  join visit v on v.member_id = p.member_id
    and v.last_activity_at > p.started_at - interval '30 minutes'
    and v.started_at < p.ended_at + interval '30 minutes'
), keeper as (
  select distinct on (member_id) member_id, id from near order by member_id, started_at, id
), span as (
  select member_id, min(started_at) as started_at, max(last_activity_at) as last_activity_at from near group by member_id
), removed as (
  delete from visit where id in (select id from near) and id not in (select id from keeper)
), updated as (
  update visit v set
    started_at = least(s.started_at, p.started_at),
    last_activity_at = greatest(s.last_activity_at, p.ended_at)
  from keeper k join span s on s.member_id = k.member_id join params p on p.member_id = k.member_id
  where v.id = k.id
), inserted as (
  insert into visit (id, member_id, started_at, last_activity_at, source, attributed_digest_id)
  select new_id, member_id, started_at, ended_at, source, attributed_digest_id from params p
  where not exists (select 1 from keeper k where k.member_id = p.member_id)
)
update member set last_visit_at = greatest(coalesce(member.last_visit_at, p.ended_at), p.ended_at)
from params p where member.id = p.member_id`;
