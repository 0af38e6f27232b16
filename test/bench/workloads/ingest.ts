import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AccessTokens } from '../../../server/access-token';
import { systemClock } from '../../../server/clock';
import { copyRows } from '../../../seed/copy';
import { alternate, checkedLoad, FIRST_WARM_UP_SECONDS, perWindow, startTarget, WINDOWS } from '../load';
import { median, type BenchRow } from '../report';
import type { BenchContext, Workload } from '../run';
import { IDENTITIES } from '../identities';
import { clientOperation } from '../client-operation';

/**
 * The shipped client's calls: RecordContentView when a member opens an item, and `recordViews`
 * (POST /views, body `{ views }`) for the heartbeats an app buffers. Each answers the item's
 * `seenByMe` and `viewCount` after the commit.
 */
const RECORD = clientOperation('RecordContentView');
const ME = '{ me { id } }';

/** A reader's buffered heartbeats: 5 views per call, 3 of items new to the member and 2 repeats of the previous call's, 15 real seconds each. */
const NEW_PER_CALL = 3;
const REPEATS_PER_CALL = 2;
const SECONDS_PER_VIEW = 15;
/**
 * Calls prepared per member and window (request n is member n mod IDENTITIES, call n div IDENTITIES),
 * for up to this many calls a second: 100 a member (20,000 for 5 s) capped the window at 4,000 calls
 * and 12,000 new rows a second, after which the load generator sent the first calls again, as
 * repeats. A window that sends more calls than prepared fails rather than measure repeats.
 */
const MAX_CALLS_PER_SECOND = 12_000;
/**
 * recordContentView is what a reader's app sends when it opens an item (README, Tracking): a new
 * view, 0 seconds. Each of its windows (and its warm-up) opens items of a block of its own, one
 * item after the other for all members, so every measured call starts a view; a window that
 * would need more calls than its block has fails rather than measure repeats.
 */
const SINGLE_CALLS = 200;
const callsPerMember = (seconds: number) => Math.ceil((MAX_CALLS_PER_SECOND * seconds) / IDENTITIES);
/** Published items added for the run, so that a member's calls keep finding items they have not viewed. */
const batchItemCount = (seconds: number): number => NEW_PER_CALL * callsPerMember(seconds) + 20;
/** Seconds of the batch path's warm-up, and of COPY's: the same on both sides. */
const BATCH_WARM_UP_SECONDS = 3;

/**
 * P3: views written through the API under concurrent load, with the shipped client's operations.
 * Two rows: the single-view path (RecordContentView, a member opening an item: a new view per
 * request) against the authenticated request floor (`me` on the same process: the write must not
 * dominate a request), and the batch path (the client's `recordViews`, POST /views: 5 views per
 * call, new and repeat, real seconds) against COPY, counting only the rows committed inside each
 * window. Each batch
 * window uses members of its own and each single-view window items of its own (fresh pairs), the
 * members' visits opened beforehand; the database is left as it was found for the next workloads.
 */
export const ingestWorkload: Workload = {
  name: 'P3 view ingest',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const db = new Client({ connectionString: ctx.databaseUrl });
    await db.connect();
    const started = new Date();
    // One API process: two (WEB_CONCURRENCY=2) have two view writers whose batches wait on each
    // other's item rows (view counts, content_view_day), and ingest fell from 0.91x to 0.40x `me`
    // (RESULTS.md, 4 December). Until the writers share one queue, ingest is measured as it is fastest.
    const hearth = await startTarget('hearth.js', [ctx.databaseUrl, ctx.jwtSecret]);
    const calls = callsPerMember(ctx.seconds);
    const batchItemTotal = batchItemCount(ctx.seconds);
    try {
      const [{ id: author }] = (await db.query<{ id: string }>(`select id from member where role = 'ADMIN' order by id limit 1`)).rows;
      await db.query(
        `insert into content (id, type, title, author_id, status, published_at, created_at, updated_at, comment_count, view_count)
         select gen_random_uuid(), 'ARTICLE', 'P3 item ' || n, $1, 'PUBLISHED', now() - interval '1 year', now(), now(), 0, 0
         from generate_series(1, ${batchItemTotal + (WINDOWS + 1) * SINGLE_CALLS}) n`,
        [author],
      );
      const members = (await db.query<{ id: string }>(`select id from member where role = 'MEMBER' order by id`)).rows.map((r) => r.id);
      const items = (await db.query<{ id: string }>(`select id from content where title like 'P3 item %' order by id`)).rows.map(
        (r) => r.id,
      );
      const tokens = new AccessTokens(ctx.jwtSecret, systemClock);
      const count = async () => Number((await db.query('select count(*) from content_view')).rows[0].count);
      const json = { 'content-type': 'application/json' };
      const viewsUrl = hearth.url.replace(/\/graphql$/, '/views');

      // Member groups of IDENTITIES. The batch path takes a new group per load (warm-up and windows),
      // so each window writes new pairs; the single-view path and `me` share the last group, which
      // no batch group overlaps (its views would turn the batch's new views into repeats).
      const groups = Math.floor(members.length / IDENTITIES);
      if (groups < WINDOWS + 2) throw new Error(`P3 needs ${(WINDOWS + 2) * IDENTITIES} members, the bench database has ${members.length}`);
      let nextGroup = 0;
      const membersOf = (g: number) => members.slice(g * IDENTITIES, (g + 1) * IDENTITIES);
      const open = async (ids: string[]) => {
        const authorizations = await Promise.all(ids.map(async (id) => `Bearer ${(await tokens.issue(id)).token}`));
        // Heartbeats come from members in the middle of a visit: open it first, outside the window.
        for (const authorization of authorizations)
          await fetch(hearth.url, { method: 'POST', headers: { ...json, authorization }, body: JSON.stringify({ query: ME }) });
        return authorizations;
      };
      const singleGroup = open(membersOf(groups - 1));
      const group = (single: boolean) => (single ? singleGroup : open(membersOf(nextGroup++)));
      const view = (contentId: string, seconds: number) => ({ contentId, seconds, source: 'FEED' });
      const [batchItems, singleItems] = [items.slice(0, batchItemTotal), items.slice(batchItemTotal)];
      const singleBlock = (block: number) =>
        Array.from({ length: IDENTITIES * SINGLE_CALLS }, (_, n) =>
          JSON.stringify({ query: RECORD, variables: { input: view(singleItems[block * SINGLE_CALLS + Math.floor(n / IDENTITIES)], 0) } }),
        );
      let singleWindows = 0;
      const batchBodies = Array.from({ length: IDENTITIES * calls }, (_, n) => {
        const call = Math.floor(n / IDENTITIES);
        const fresh = Array.from({ length: NEW_PER_CALL }, (_, i) =>
          view(batchItems[(call * NEW_PER_CALL + i) % batchItems.length], call === 0 ? 0 : SECONDS_PER_VIEW),
        );
        const repeats =
          call === 0
            ? []
            : Array.from({ length: REPEATS_PER_CALL }, (_, i) =>
                view(batchItems[((call - 1) * NEW_PER_CALL + i) % batchItems.length], SECONDS_PER_VIEW),
              );
        // client/index.ts `recordViews`: the body it posts.
        return JSON.stringify({ views: [...fresh, ...repeats] });
      });
      const load = async (bodies: string[] | undefined, body: string | undefined, seconds: number, warmUp = false) => {
        const authorizations = await group(bodies !== batchBodies);
        const single = bodies !== undefined && bodies !== batchBodies;
        let before = 0;
        let committed: Promise<number> | undefined;
        const result = await checkedLoad(
          'P3',
          { url: bodies === batchBodies ? viewsUrl : hearth.url, headers: json, bodies, body, authorizations, connections: 32, seconds },
          {
            warmUp,
            onStart: () => {
              void count().then((n) => (before = n));
              committed = new Promise((resolve) => setTimeout(() => void count().then(resolve), seconds * 1000));
            },
          },
        );
        if (single && !warmUp && result.requests > bodies.length)
          throw new Error(`P3: recordContentView sent ${result.requests} calls, more than the ${bodies.length} new views of its block`);
        if (bodies === batchBodies && !warmUp && result.requests > bodies.length)
          throw new Error(`P3: recordViews sent ${result.requests} calls, more than the ${bodies.length} prepared (MAX_CALLS_PER_SECOND)`);
        return { ...result, rowsPerSecond: ((await committed!) - before) / seconds };
      };
      // The baseline stays the bare write it always measured: this session's COPY skips the
      // content_view_day triggers (as the view writer does, which keeps that rollup itself), so the
      // rollup's cost weighs on Hearth's side only. Nothing reads the rollup of this database.
      await db.query(`select set_config('hearth.content_view_day', 'writer', false)`);
      // COPY streams rows for as long as a window of the API lasts, and its figure is the rows it
      // committed over that time. It used to write a fixed 20,000 rows, half a second at most: a
      // window a tenth of the API's, which a checkpoint or WAL segment switch could miss or fill,
      // and COPY read from 39,523 to 52,504 rows/s in four runs of P3 within an hour on one machine.
      const copy = (seconds: number) => async () => {
        const at = new Date();
        const begun = performance.now();
        const until = begun + seconds * 1000;
        const rows = await copyRows(
          db,
          'content_view',
          ['id', 'member_id', 'content_id', 'first_seen_at', 'last_seen_at', 'seconds', 'source'],
          (function* () {
            for (let i = 0; performance.now() < until; i++)
              yield [randomUUID(), members[i % members.length], items[i % items.length], at, at, 0, 'FEED'];
          })(),
        );
        return { rowsPerSecond: rows / ((performance.now() - begun) / 1000) };
      };

      type Window = { rowsPerSecond: number; requestsPerSecond?: number };
      const side = (name: string, window: () => Promise<Window>, warmUp: () => Promise<unknown>) => ({ name, warmUp, window });
      const [single, floor] = await alternate<Window>([
        side(
          'recordContentView',
          () => load(singleBlock(++singleWindows), undefined, ctx.seconds),
          () => load(singleBlock(0), undefined, FIRST_WARM_UP_SECONDS, true),
        ),
        side(
          'me',
          () => load(undefined, JSON.stringify({ query: ME }), ctx.seconds),
          () => load(undefined, JSON.stringify({ query: ME }), FIRST_WARM_UP_SECONDS, true),
        ),
      ]);
      const [batch, viaCopy] = await alternate<Window>([
        side(
          'recordContentViews',
          () => load(batchBodies, undefined, ctx.seconds),
          () => load(batchBodies, undefined, BATCH_WARM_UP_SECONDS, true),
        ),
        side('COPY', copy(ctx.seconds), copy(BATCH_WARM_UP_SECONDS)),
      ]);
      const rps = (windows: Window[]) => median(windows.map((w) => w.requestsPerSecond ?? 0));
      const rows = (windows: Window[]) => median(windows.map((w) => w.rowsPerSecond));
      return [
        {
          workload: `${this.name} (RecordContentView, an item opened per request)`,
          measure: 'requests/s',
          hearth: rps(single),
          baseline: rps(floor),
          baselineName: '`me`, the authenticated floor',
          ratio: rps(single) / rps(floor),
          target: '≥ 0.6× me',
          targetRatio: 0.6,
          windows: perWindow(single, floor, (w) => w.requestsPerSecond ?? 0),
        },
        {
          workload: `${this.name} (recordViews: POST /views, ${NEW_PER_CALL} new + ${REPEATS_PER_CALL} repeat per call)`,
          measure: `new rows/s committed in the window (median of ${WINDOWS})`,
          hearth: rows(batch),
          baseline: rows(viaCopy),
          baselineName: 'COPY',
          ratio: rows(batch) / rows(viaCopy),
          target: '≥ 0.3× COPY',
          targetRatio: 0.3,
          windows: perWindow(batch, viaCopy, (w) => w.rowsPerSecond),
        },
      ];
    } finally {
      await hearth.stop();
      await db.query(`delete from content_view where first_seen_at >= $1 or last_seen_at >= $1`, [started]);
      await db.query(`delete from content where title like 'P3 item %'`);
      await db.query(`update content c set view_count = (select count(*) from content_view v where v.content_id = c.id)`);
      await db.end();
    }
  },
};
