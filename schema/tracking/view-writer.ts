import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { createPool, type DatabaseTimeouts } from '../../server/db/pool';
import { distinctRounds } from '../../server/db/sql';
import { isUnavailableError, throttledWarning } from '../../server/unavailable';

/** What the first call of a view may credit: there is no earlier call to measure elapsed time from. */
export const FIRST_CALL_MAX_SECONDS = 60;

export interface ViewWrite {
  memberId: string;
  contentId: string;
  at: Date;
  seconds: number;
  source: string;
}

type Row = Record<string, unknown>;

export interface ViewRow {
  seconds: number;
  first_seen_at: Date;
  new_view: boolean;
  /** The item's row (column names as keys) as the batch left it: its view_count counts the batch's views. */
  item: Row;
}

interface Pending extends ViewWrite {
  resolve(row: ViewRow): void;
  reject(error: unknown): void;
}

/** At most this many views share one transaction. */
const BATCH = 500;
/**
 * Batches written at once, each on its own connection of the writer's pool; batches sharing items
 * queue on the items' advisory locks, taken in one global order, so lanes (and instances) cannot
 * deadlock. A single lane: a batch is one round trip, commit included, and the views arriving
 * meanwhile make the next batch larger. With three lanes, batches of the same popular items
 * waited for each other on those locks, and each took a round trip of its own for fewer views: P3
 * alone read 0.76 and 0.79 (single view) and 0.14 and 0.15 (batch) with three, 0.94 and 0.95, 0.17
 * and 0.16 with one. Two lanes each writing only the items hashed to it (no lock shared) did no
 * better either: 6,612 and 8,322 new rows/s against 8,536 and 7,375 with one (RESULTS.md, the
 * notes on the run at 4716d78: the request, not the write, bounds P3 now).
 */
const LANES = 1;

/**
 * Group commit for content views. A commit waits for the disk, so one transaction per heartbeat
 * caps ingest at the disk's pace. Views arriving while batches are being written wait for the next
 * one: one transaction, one commit for all of them, and each caller is answered only after that
 * commit (an acknowledged view is in the database). A batch is one call of
 * hearth_record_content_views (Migration20261206003000_RecordContentViews, its statement now in
 * Migration20261206200000_RecordViewsOneProbe): one round trip, with
 * one statement per round of distinct keys inside, rather than one statement per view (PostgreSQL
 * planned and ran those serially) or one round trip per step (each step waited for the API's
 * event loop with the items' locks held).
 *
 * The writer has its own small pool and calls the function as a prepared statement with bound
 * parameters: a batch's JSON is neither escaped into the SQL text by the ORM nor parsed and
 * planned again by PostgreSQL for every batch.
 */
export class ViewWriter {
  private readonly pool: Pool;
  private queue: Pending[] = [];
  /** Batches being written now (each its own transaction), at most LANES. */
  private lanes = 0;
  private idleWaiters: (() => void)[] = [];
  /** The database away fails every batch until it is back: a warning every 10 s, as the rest of the API logs an outage. */
  private readonly warnUnavailable: (err: unknown) => void;

  constructor(
    databaseUrl: string,
    private readonly logger: Logger,
    timeouts?: DatabaseTimeouts,
  ) {
    // A dropped connection is logged; the pool makes a new one for the next batch.
    this.pool = createPool(databaseUrl, { max: LANES, timeouts, logger, name: 'content view writer' });
    this.warnUnavailable = throttledWarning(
      logger,
      'content views could not be written (the database is unavailable): answering SERVICE_UNAVAILABLE',
    );
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
          if (isUnavailableError(error)) this.warnUnavailable(error);
          else this.logger.error({ err: error, views: batch.length }, 'writing a batch of content views failed');
          for (const view of batch) view.reject(error);
        });
      }
    } finally {
      if (--this.lanes === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    const index = new Map(batch.map((view, idx) => [view, idx]));
    const rounds = distinctRounds(batch, (view) => `${view.memberId}:${view.contentId}`).map((round) =>
      round.map((view) => ({
        idx: index.get(view),
        member_id: view.memberId,
        content_id: view.contentId,
        at: view.at.toISOString(),
        seconds: view.seconds,
        source: view.source,
        new_id: randomUUID(),
      })),
    );
    const { rows } = await this.query<{
      idx: number;
      seconds: number;
      first_seen_at: Date;
      new_view: boolean;
      content_id: string;
      item: Row | null;
    }>(
      'hearth-record-views',
      'select idx, seconds, first_seen_at, new_view, content_id, item from hearth_record_content_views($1::jsonb, $2::int)',
      [JSON.stringify(rounds), FIRST_CALL_MAX_SECONDS],
    );
    // Each item comes once per round: the last is as the batch left it.
    const items = new Map<string, Row>();
    for (const row of rows) if (row.item) items.set(row.content_id, row.item);
    for (const { idx, seconds, first_seen_at, new_view, content_id } of rows)
      batch[idx].resolve({ seconds, first_seen_at, new_view, item: items.get(content_id)! });
  }

  /** One statement on a connection of the writer's pool (prepared as `name`), in a transaction of its own. */
  private async query<R extends object>(name: string, text: string, values: unknown[]) {
    const client = await this.pool.connect();
    let broken = false;
    try {
      return await client.query<R>({ name, text, values });
    } catch (error) {
      // A connection whose server stopped answering may still owe the answer: never reuse it.
      broken = isUnavailableError(error);
      throw error;
    } finally {
      client.release(broken);
    }
  }
}
