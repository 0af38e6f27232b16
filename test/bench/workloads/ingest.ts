import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { AccessTokens } from '../../../server/access-token';
import { systemClock } from '../../../server/clock';
import { copyRows } from '../../../seed/copy';
import { startTarget } from '../load';
import type { BenchRow } from '../report';
import type { BenchContext, Workload } from '../run';

const RECORD = 'mutation($input: RecordContentViewInput!) { recordContentView(input: $input) { newView } }';
const RECORD_MANY = 'mutation($input: RecordContentViewsInput!) { recordContentViews(input: $input) { newView } }';

/** Views per recordContentViews call: a client flushing its buffered heartbeats. */
const VIEWS_PER_CALL = 50;
/** Published items added for the run, so every view is a new (member, item) pair: one new row each. */
const EXTRA_ITEMS = 400;

/**
 * P3: views written through the API under concurrent load vs COPY of as many rows. Two rows: one
 * view per `recordContentView` request (reported), and `recordContentViews` with a client's
 * buffered heartbeats (the target). The database is left as it was found for the next workloads.
 */
export const ingestWorkload: Workload = {
  name: 'P3 view ingest',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const db = new Client({ connectionString: ctx.databaseUrl });
    await db.connect();
    const started = new Date();
    try {
      const [{ id: author }] = (await db.query<{ id: string }>(`select id from member where role = 'ADMIN' order by id limit 1`)).rows;
      await db.query(
        `insert into content (id, type, title, author_id, status, published_at, created_at, updated_at, comment_count, view_count)
         select gen_random_uuid(), 'ARTICLE', 'P3 item ' || n, $1, 'PUBLISHED', now() - interval '1 year', now(), now(), 0, 0
         from generate_series(1, ${EXTRA_ITEMS}) n`,
        [author],
      );
      const members = (await db.query<{ id: string }>(`select id from member where role = 'MEMBER' order by id`)).rows.map((r) => r.id);
      const items = (await db.query<{ id: string }>(`select id from content where status = 'PUBLISHED' order by id`)).rows.map((r) => r.id);
      const tokens = new AccessTokens(ctx.jwtSecret, systemClock);
      const bearer = await Promise.all(members.map(async (id) => `Bearer ${(await tokens.issue(id)).token}`));
      const count = async () => Number((await db.query('select count(*) from content_view')).rows[0].count);

      // Request n: member n mod M, with the next run of items that member has not viewed.
      const pairs = (views: number) => {
        let next = 0;
        return (n = next++) => {
          const member = n % members.length;
          const first = Math.floor(n / members.length) * views;
          return { member, contentIds: Array.from({ length: views }, (_, i) => items[(first + i) % items.length]) };
        };
      };

      const measure = async (query: string, views: number) => {
        const take = pairs(views);
        const hearth = await startTarget('hearth.js', [ctx.databaseUrl, ctx.jwtSecret]);
        // Heartbeats come from members in the middle of a visit: one request each opens it first,
        // outside the timed window: P3 measures the views, not the opening of visits.
        let opened = 0;
        await autocannon({
          url: hearth.url,
          connections: 32,
          amount: members.length,
          requests: [{ method: 'POST', setupRequest: (request) => ({ ...request, headers: { 'content-type': 'application/json', authorization: bearer[opened++ % members.length] }, body: JSON.stringify({ query: '{ me { id } }' }) }) }],
        });
        const before = await count();
        const begun = performance.now();
        await autocannon({
          url: hearth.url,
          connections: 32,
          duration: ctx.seconds,
          requests: [
            {
              method: 'POST',
              setupRequest: (request) => {
                const { member, contentIds } = take();
                const list = contentIds.map((contentId) => ({ contentId, seconds: 0, source: 'FEED' }));
                const input = views === 1 ? list[0] : { views: list };
                return { ...request, headers: { 'content-type': 'application/json', authorization: bearer[member] }, body: JSON.stringify({ query, variables: { input } }) };
              },
            },
          ],
        });
        const seconds = (performance.now() - begun) / 1000;
        await hearth.stop();
        return { written: (await count()) - before, seconds };
      };

      // The baseline: COPY as many rows straight into the table.
      const copy = async (written: number) => {
        const copyStarted = performance.now();
        const at = new Date();
        await copyRows(
          db,
          'content_view',
          ['id', 'member_id', 'content_id', 'first_seen_at', 'last_seen_at', 'seconds', 'source'],
          (function* () {
            for (let i = 0; i < written; i++) yield [randomUUID(), members[i % members.length], items[i % items.length], at, at, 0, 'FEED'];
          })(),
        );
        return written / ((performance.now() - copyStarted) / 1000);
      };

      const rows: BenchRow[] = [];
      for (const [name, query, views, target] of [
        ['recordContentView, 1 per request', RECORD, 1, false],
        [`recordContentViews, ${VIEWS_PER_CALL} per request`, RECORD_MANY, VIEWS_PER_CALL, true],
      ] as const) {
        const { written, seconds } = await measure(query, views);
        const viaHearth = written / seconds;
        const viaCopy = await copy(written);
        const ratio = viaHearth / viaCopy;
        rows.push({
          workload: `${this.name} (${name})`,
          measure: 'rows/s',
          hearth: viaHearth,
          baseline: viaCopy,
          ratio,
          baselineName: 'COPY',
          target: target ? '≥ 0.3× COPY' : 'reported',
          targetRatio: target ? 0.3 : undefined,
        });
      }
      return rows;
    } finally {
      await db.query(`delete from content_view where first_seen_at >= $1 or last_seen_at >= $1`, [started]);
      await db.query(`delete from content where title like 'P3 item %'`);
      await db.query(`update content c set view_count = (select count(*) from content_view v where v.content_id = c.id)`);
      await db.end();
    }
  },
};
