import type { Client } from 'pg';
import { planTestDatabase } from '../../test/db';
import { MERGE_INTERVALS_SQL, mergeParams } from './visit-tracker';
import { VisitSource } from './visit.entity';

let database: Awaited<ReturnType<typeof planTestDatabase>>;
let client: Client;
let memberIds: string[];
beforeAll(async () => {
  // A community with some history (1,000 members, 20,000 visits).
  database = await planTestDatabase(1000, async (db) => {
    await db.query(`
      insert into visit (id, member_id, started_at, last_activity_at, source)
      select gen_random_uuid(), m.id, now() - d * interval '1 day', now() - d * interval '1 day' + interval '10 minutes', 'DIRECT'
      from member m cross join generate_series(1, 20) d`);
  });
  client = database.client;
  memberIds = (await client.query<{ id: string }>('select id from member order by id limit 3')).rows.map((row) => row.id);
});
afterAll(() => database.drop());

describe('the visit merge statement', () => {
  // MikroORM inlines the parameters, so each flush is planned for its own rows. Sent as one JSON
  // record set, a round counted as 100 rows whatever it held, and the bench's flushes of a few
  // dozen members scanned the whole visit table three times and member once (about 16 ms each).
  it('finds a flush’s members and their visits by index, never by a scan of all visits or members', async () => {
    const now = Date.now();
    const intervals = memberIds.map((memberId) => ({
      memberId,
      start: now - 60_000,
      end: now,
      source: VisitSource.DIRECT,
      attributedDigestId: null,
    }));
    const params = mergeParams(intervals);
    let index = 0;
    const inlined = MERGE_INTERVALS_SQL.replace(/\?/g, () => `'${params[index++].replace(/'/g, "''")}'`);
    expect(index).toBe(params.length);
    await client.query('begin');
    try {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain ${inlined}`);
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Index (Only )?Scan (using|on) visit_member_id_\w+/);
      expect(plan).not.toMatch(/Seq Scan on (visit|member)\b/);
    } finally {
      await client.query('rollback');
    }
  });
});
