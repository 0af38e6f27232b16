import pino from 'pino';
import { startTestServer, type TestServer } from '../../test/server';
import { createPool } from './pool';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const timeouts = { acquireMs: 5_000, statementMs: 5_000 };

describe('request and job pools', () => {
  it('run without JIT compilation, which cost a search for a common word 1.6 s of its 3 s', async () => {
    const [row] = await server.em().execute<{ jit: string }[]>('show jit');
    expect(row.jit).toBe('off');
    const pool = createPool(server.databaseUrl, { max: 1, timeouts, logger: pino({ level: 'silent' }), name: 'test' });
    try {
      expect((await pool.query<{ jit: string }>('show jit')).rows[0].jit).toBe('off');
    } finally {
      await pool.end();
    }
  });

  it("leave the session to the connection string's own options when it has them", async () => {
    const url = new URL(server.databaseUrl);
    url.searchParams.set('options', '-c jit=on');
    const pool = createPool(url.toString(), { max: 1, timeouts, logger: pino({ level: 'silent' }), name: 'test' });
    try {
      expect((await pool.query<{ jit: string }>('show jit')).rows[0].jit).toBe('on');
    } finally {
      await pool.end();
    }
  });
});
