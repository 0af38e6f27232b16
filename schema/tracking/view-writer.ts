import { timeOrderedId } from '../../server/db/time-ordered-id';
import type { Pool, PoolClient, QueryResult } from 'pg';
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
/** Batches sent to PostgreSQL and not yet answered, at most: one being written, the next waiting behind it. */
const IN_FLIGHT = 2;

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
 *
 * One connection, pipelined: batches are written one after the other on it, each one round trip,
 * commit included, and the next batch is sent while the one before it is still being written
 * (node-postgres's pipeline mode: each its own transaction, answered in order). PostgreSQL starts
 * it as soon as the previous one commits, rather than once the API has got round to reading that
 * answer and sending the next: with one batch at a time, the writer's backend waited for the API's
 * busy event loop for about a third of each cycle (P3's batch path alone, alternated on one machine:
 * 9,429, 7,036 and 8,683 new rows/s pipelined against 8,502, 6,622 and 7,555). At most IN_FLIGHT
 * batches are sent at once; the views arriving meanwhile make the next batch larger.
 *
 * Tried and not kept: three batches in flight (7,068 and 4,424 new rows/s against 7,515 and 7,339
 * with two); holding the second batch back until 20 views are queued, so that it is not a call or
 * two alone (7,120 and 7,252 against 7,453 and 7,884); three lanes (connections: batches of the
 * same popular items waited for each other on the items' locks, each a round trip of its own for
 * fewer views: P3 alone read 0.14 and 0.15 against 0.17 and 0.16 with one); two lanes each
 * writing only the items hashed to it (6,612 and 8,322 new rows/s against 8,536 and 7,375 with
 * one); and two lanes again once each next batch left early: 9,648 new rows/s against 12,087
 * with one.
 */
export class ViewWriter {
  private readonly pool: Pool;
  /** The connection batches are written on (pipelined), kept between batches. */
  private client?: PoolClient;
  /** The connection being made, which the first batches wait for. */
  private connecting?: Promise<PoolClient>;
  private queue: Pending[] = [];
  /** Batches sent and not yet answered. */
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  /** The database away fails every batch until it is back: a warning every 10 s, as the rest of the API logs an outage. */
  private readonly warnUnavailable: (err: unknown) => void;

  constructor(
    databaseUrl: string,
    private readonly logger: Logger,
    timeouts?: DatabaseTimeouts,
  ) {
    // A dropped connection is logged; the pool makes a new one for the next batch.
    this.pool = createPool(databaseUrl, { max: 1, timeouts, logger, name: 'content view writer', pipeline: true });
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
    this.send();
    return Promise.all(rows);
  }

  /** Resolves once everything queued so far is written. */
  async idle(): Promise<void> {
    if (this.inFlight) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Writes what is queued, then closes the pool (shutdown). */
  async close(): Promise<void> {
    await this.idle();
    if (this.client) this.drop(this.client, false);
    await this.pool.end();
  }

  /**
   * Sends what is queued as a batch while fewer than IN_FLIGHT are. As each batch's answer
   * arrives, the next leaves before that batch's callers are answered: the API then writes their
   * responses while PostgreSQL writes the batches behind it. Answered first, the callers' responses
   * (each a chain of promise continuations) ran ahead of the next send, and P3's batch path
   * measured about 4.7 ms a batch in the API against 2.4 ms in the function.
   */
  private send(): void {
    while (this.inFlight < IN_FLIGHT && this.queue.length) {
      this.inFlight++;
      void this.writeBatch(this.queue.splice(0, BATCH)).then((answer) => {
        this.inFlight--;
        this.send();
        answer();
        if (!this.inFlight) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
    }
  }

  /**
   * Sends the batch at once (on the writer's connection, when it has one) and, once it is
   * written, gives what answers its callers: their rows, or the error for each.
   */
  private async writeBatch(batch: Pending[]): Promise<() => void> {
    try {
      const rows = await this.recordBatch(batch);
      return () => {
        for (const [idx, row] of rows.entries()) batch[idx].resolve(row);
      };
    } catch (error) {
      if (isUnavailableError(error)) this.warnUnavailable(error);
      else this.logger.error({ err: error, views: batch.length }, 'writing a batch of content views failed');
      return () => {
        for (const view of batch) view.reject(error);
      };
    }
  }

  private async recordBatch(batch: Pending[]): Promise<ViewRow[]> {
    const index = new Map(batch.map((view, idx) => [view, idx]));
    const rounds = distinctRounds(batch, (view) => `${view.memberId}:${view.contentId}`).map((round) =>
      round.map((view) => ({
        idx: index.get(view),
        member_id: view.memberId,
        content_id: view.contentId,
        at: view.at.toISOString(),
        seconds: view.seconds,
        source: view.source,
        new_id: timeOrderedId(),
      })),
    );
    const { rows } = await this.query<{
      idx: number;
      seconds: number;
      first_seen_ms: number;
      new_view: boolean;
      content_id: string;
      item: Row | null;
    }>(
      'hearth-record-views',
      // first_seen_at as epoch milliseconds (exact: numeric, floored as Date truncates): a number
      // parses for free where the driver's timestamp parser was 1.6% of the API's busy time in P3
      `select idx, seconds, floor(extract(epoch from first_seen_at) * 1000)::float8 as first_seen_ms, new_view, content_id, item
       from hearth_record_content_views($1::jsonb, $2::int)`,
      [JSON.stringify(rounds), FIRST_CALL_MAX_SECONDS],
    );
    // Each item comes once per round: the last is as the batch left it.
    const items = new Map<string, Row>();
    for (const row of rows) if (row.item) items.set(row.content_id, row.item);
    const answers: ViewRow[] = [];
    for (const { idx, seconds, first_seen_ms, new_view, content_id } of rows)
      answers[idx] = { seconds, first_seen_at: new Date(first_seen_ms), new_view, item: items.get(content_id)! };
    return answers;
  }

  /**
   * One statement (prepared as `name`) in a transaction of its own, on the connection the writer
   * keeps, sent at once (synchronously, when it has one): behind any batch still being written
   * (pipelined), not after its answer.
   */
  private query<R extends object>(name: string, text: string, values: unknown[]): Promise<QueryResult<R>> {
    const send = async (client: PoolClient) => {
      try {
        return await client.query<R>({ name, text, values });
      } catch (error) {
        // A connection whose server stopped answering may still owe the answer: never reuse it.
        if (isUnavailableError(error)) this.drop(client, true);
        throw error;
      }
    };
    if (this.client) return send(this.client);
    // Batches sent while it connects wait for the same connection, in order.
    this.connecting ??= this.pool.connect().then(
      (client) => {
        this.connecting = undefined;
        this.client = client;
        // Lost while idle (the server restarted): the next batch connects anew.
        client.once('end', () => this.drop(client, true));
        return client;
      },
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting.then(send);
  }

  /** Gives the connection back to the pool, to be discarded (`broken`) or kept (shutdown). */
  private drop(client: PoolClient, broken: boolean): void {
    if (this.client !== client) return;
    this.client = undefined;
    try {
      client.release(broken);
    } catch {
      // already taken back by the pool (server/db/pool.ts reclaims a dead connection held too long)
    }
  }
}
