import express from 'express';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { registerAdminConsole } from './admin-console';

/** The /admin route alone, on an Express app of its own: what it serves for a build, and without one. */
async function serve(dir: string | null): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  registerAdminConsole(app, dir, pino({ level: 'silent' }));
  const server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('/admin', () => {
  it('answers 503 ADMIN_CONSOLE_NOT_BUILT when the console was not built', async () => {
    const missing = path.join(os.tmpdir(), 'hearth-admin-missing');
    for (const dir of [null, missing]) {
      const { url, close } = await serve(dir);
      try {
        const response = await fetch(`${url}/admin/rules`);
        expect(response.status).toBe(503);
        expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'ADMIN_CONSOLE_NOT_BUILT' } }] });
      } finally {
        await close();
      }
    }
  });

  it('serves hashed assets as immutable, other files and every page path as revalidated index.html', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hearth-admin-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(path.join(dir, 'robots.txt'), 'User-agent: *');
    const { url, close } = await serve(dir);
    try {
      for (const page of ['/admin', '/admin/', '/admin/live/42?from=2026-01-01']) {
        const response = await fetch(`${url}${page}`);
        expect([page, response.status, response.headers.get('cache-control'), await response.text()]).toEqual([
          page,
          200,
          'no-cache',
          '<!doctype html><title>console</title>',
        ]);
        expect(response.headers.get('x-frame-options')).toBe('DENY');
      }
      const asset = await fetch(`${url}/admin/assets/index-abc123.js`);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect((await fetch(`${url}/admin/robots.txt`)).headers.get('cache-control')).toBe('no-cache');
      expect((await fetch(`${url}/admin/assets/gone-000.js`)).status).toBe(404);
      expect((await fetch(`${url}/administrator`)).status).toBe(404);
    } finally {
      await close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
