import { DriverException } from '@mikro-orm/core';
import { Theme } from '../../schema/content/theme.entity';
import { contentStates } from '../../schema/tracking/tracking.queries';
import { membersByIds } from '../../schema/identity/identity.queries';
import { buildContent, buildMember, buildTheme } from '../../test/factories';
import { captureQueries, startTestServer, type TestServer } from '../../test/server';
import { oneShotRows, plannedRows, readRows } from './read-query';
import { sql } from './sql';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('readRows', () => {
  it('binds ? parameters in order, leaving a ? inside a string literal alone', async () => {
    const rows = await readRows<{ n: number; q: string; s: string }>(server.em(), `select ?::int + 1 as n, 'why?' as q, ?::text as s`, [
      41,
      "it's",
    ]);
    expect(rows).toEqual([{ n: 42, q: 'why?', s: "it's" }]);
  });

  it('reads an apostrophe or a ? in a comment as part of the comment, not as a string or a parameter', async () => {
    const rows = await readRows<{ n: number; s: string }>(
      server.em(),
      `-- the window's end (an apostrophe), and a ? in a comment
       select ?::int + 1 as n, /* it's? */ ?::text as s`,
      [41, 'b'],
    );
    expect(rows).toEqual([{ n: 42, s: 'b' }]);
  });

  it('is seen by the onQuery hook like any statement, and answers the same rows each time it is reused', async () => {
    const theme = await buildTheme(server.em());
    const sql = 'select slug from theme where id = ?::uuid';
    let first: unknown;
    let second: unknown;
    const statements = await captureQueries(server, async () => {
      first = await readRows(server.em(), sql, [theme.id]);
      second = await readRows(server.em(), sql, [theme.id]);
    });
    expect(statements).toEqual([sql, sql]);
    expect(first).toEqual([{ slug: theme.slug }]);
    expect(second).toEqual(first);
  });

  it('runs as a prepared statement of the connection it is sent on', async () => {
    // The statement finds itself among its session's prepared statements while it runs.
    const rows = await readRows<{ n: number }>(
      server.em(),
      `select count(*)::int as n from pg_prepared_statements where name like 'hearth~_read~_%' escape '~' and statement like '%find me%'`,
      [],
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('reads the writes of the transaction it runs in', async () => {
    const em = server.em();
    await em.begin();
    try {
      const theme = em.create(Theme, { slug: `tx-${Date.now()}`, name: 'Not committed' });
      await em.flush();
      expect(await readRows(em, 'select name from theme where id = ?::uuid', [theme.id])).toEqual([{ name: 'Not committed' }]);
    } finally {
      await em.rollback();
    }
  });

  it('fails with MikroORM’s driver exceptions', async () => {
    await expect(readRows(server.em(), 'select 1 from theme where id = ?::uuid', ['not-a-uuid'])).rejects.toBeInstanceOf(DriverException);
  });
});

describe('the reads of queries modules', () => {
  /** What `read` sent through the pool's own `query` (the prepared path; MikroORM's execute goes through its own client). */
  async function sent(read: () => Promise<unknown>) {
    const pool = (await server.em().getConnection().getNativeClient()) as { query: (...args: unknown[]) => unknown };
    const spy = jest.spyOn(pool, 'query');
    try {
      await read();
      return spy.mock.calls.map(([config]) => config as unknown);
    } finally {
      spy.mockRestore();
    }
  }

  it('send lookups by key (the viewer, an item’s status) as named prepared statements with bound parameters', async () => {
    const member = await buildMember(server.em());
    const content = await buildContent(server.em(), { author: member });
    const lookups = [
      await sent(async () => expect((await membersByIds(server.em(), [member.id])).map((m) => m.id)).toEqual([member.id])),
      await sent(async () =>
        expect(await contentStates(server.em(), [content.id], server.clock.now())).toEqual([
          { id: content.id, status: content.status, author_id: member.id, visible_to_others: true },
        ]),
      ),
    ];
    for (const [config] of lookups) {
      expect(config).toMatchObject({ name: expect.stringMatching(/^hearth_read_\d+$/), text: expect.stringContaining('$1') });
    }
  });

  it('send a read whose plan follows its parameters (plannedRows) through MikroORM, planned each time', async () => {
    const query = sql`select ${41}::int + 1 as n`;
    let configs: unknown[] = [];
    const statements = await captureQueries(server, async () => {
      configs = await sent(async () => expect(await plannedRows(server.em(), query)).toEqual([{ n: 42 }]));
    });
    expect(statements).toEqual([query.text]);
    expect(configs).toEqual([]);
  });
  it('send a search (oneShotRows) unnamed with bound parameters: planned for its words each time, not kept', async () => {
    const query = sql`select ${41}::int + 1 as n`;
    const configs = await sent(async () => expect(await oneShotRows(server.em(), query)).toEqual([{ n: 42 }]));
    expect(configs).toEqual([expect.objectContaining({ name: undefined, text: 'select $1::int + 1 as n', values: [41] })]);
  });
});
