import { DriverException } from '@mikro-orm/core';
import { Theme } from '../../schema/content/theme.entity';
import { buildTheme } from '../../test/factories';
import { captureQueries, startTestServer, type TestServer } from '../../test/server';
import { readRows } from './read-query';

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
