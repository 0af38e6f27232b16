import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from './db';
import { startProcess, type HearthProcess } from './process';
import { freeLoopbackPort } from './redis-server';

let api: HearthProcess | undefined;
let folder: string | undefined;
let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
afterEach(async () => {
  await api?.kill();
  if (folder) rmSync(folder, { recursive: true, force: true });
  await database?.drop();
});

describe('starting on an empty database with the demo seed (what `npm start` does)', () => {
  it('answers /ready 503 "starting" while it seeds, and a demo login works as soon as /ready says ready', async () => {
    database = await createTestDatabase();
    folder = mkdtempSync(path.join(os.tmpdir(), 'hearth-startup-'));
    chmodSync(folder, 0o755);
    const port = await freeLoopbackPort();
    api = startProcess('dist/server/api.js', {
      NODE_ENV: 'development',
      PORT: String(port),
      DATABASE_URL: database.url,
      JWT_SECRET: 'startup-test-secret-startup-test-secret',
      LOG_LEVEL: 'info',
      HEARTH_DATA_DIR: folder,
      HEARTH_SEED_DEMO: 'true',
      HEARTH_WORKER_IN_PROCESS: 'false',
    });
    const origin = `http://127.0.0.1:${port}`;
    const seen: string[] = [];
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (api.child.exitCode !== null) throw new Error(`the API exited:\n${api.output()}`);
      if (Date.now() > deadline) throw new Error(`not ready within 120 s; /ready said ${[...new Set(seen)].join(', ')}`);
      const status = await fetch(`${origin}/ready`)
        .then(async (response) => ((await response.json()) as { status: string }).status)
        .catch(() => 'not listening');
      seen.push(status);
      if (status === 'ready' || status === 'degraded') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(seen).toContain('starting');

    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation { logIn(input: { email: "admin@demo.hearth.dev", password: "hearth-demo-password" }) { member { role } } }',
      }),
    });
    expect(await response.json()).toEqual({ data: { logIn: { member: { role: 'ADMIN' } } } });
  });
});
