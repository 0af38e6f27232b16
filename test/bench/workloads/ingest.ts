import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { AccessTokens } from '../../../schema/identity/access-token';
import { systemClock } from '../../../server/clock';
import { copyRows } from '../../../server/seed/copy';
import { startTarget } from '../load';
import type { BenchRow } from '../report';
import type { BenchContext, Workload } from '../run';

const RECORD = 'mutation($input: RecordContentViewInput!) { recordContentView(input: $input) { newView } }';

/** P3: views written through recordContentView under concurrent load vs COPY of as many rows. */
export const ingestWorkload: Workload = {
  name: 'P3 view ingest',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const db = new Client({ connectionString: ctx.databaseUrl });
    await db.connect();
    try {
      const members = (await db.query<{ id: string }>(`select id from member where role = 'MEMBER' order by id limit 400`)).rows.map((r) => r.id);
      const items = (await db.query<{ id: string }>(`select id from content where status = 'PUBLISHED' order by id`)).rows.map((r) => r.id);
      const tokens = new AccessTokens(ctx.jwtSecret, systemClock);
      const bearer = await Promise.all(members.map(async (id) => `Bearer ${(await tokens.issue(id)).token}`));
      const count = async () => Number((await db.query('select count(*) from content_view')).rows[0].count);

      // Every request is a new (member, item) pair: one new row each.
      let next = 0;
      const hearth = await startTarget('hearth.js', [ctx.databaseUrl, ctx.jwtSecret]);
      const before = await count();
      const started = performance.now();
      await autocannon({
        url: hearth.url,
        connections: 32,
        duration: ctx.seconds,
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => {
              const n = next++;
              return {
                ...request,
                headers: { 'content-type': 'application/json', authorization: bearer[n % bearer.length] },
                body: JSON.stringify({ query: RECORD, variables: { input: { contentId: items[Math.floor(n / bearer.length) % items.length], seconds: 0, source: 'FEED' } } }),
              };
            },
          },
        ],
      });
      const seconds = (performance.now() - started) / 1000;
      await hearth.stop();
      const written = (await count()) - before;
      const viaHearth = written / seconds;

      // The baseline: COPY the same number of rows straight into the table.
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
      const viaCopy = written / ((performance.now() - copyStarted) / 1000);
      const ratio = viaHearth / viaCopy;
      return [{ workload: this.name, measure: 'rows/s', hearth: viaHearth, baseline: viaCopy, ratio, target: '≥ 0.3× COPY', ok: ratio >= 0.3 }];
    } finally {
      await db.end();
    }
  },
};
