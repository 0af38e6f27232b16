import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { startEmbeddedPostgres } from '../server/db/embedded';
import { migrateToLatest, openOrm } from '../server/db/orm';
import { databaseUrl, withAdminClient } from './db';

declare global {
  var __HEARTH_EMBEDDED_PG__: { stop(): Promise<void> } | undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * Tests run against a real PostgreSQL: DATABASE_URL when set (CI), else an embedded one started
 * here. Migrations run once into a template database; each test server copies it.
 */
export default async function globalSetup(): Promise<void> {
  // Tests that start real processes (dist/server/*.js) run the current sources: build once, here,
  // rather than in each such test, where two builds at once could hand one a half-written file.
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: path.resolve(__dirname, '..'), stdio: 'inherit' });
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const folder = path.resolve(__dirname, '../.hearth/test');
    const embedded = await startEmbeddedPostgres({ folder, port: await freePort(), logger: pino({ level: 'silent' }) });
    globalThis.__HEARTH_EMBEDDED_PG__ = embedded;
    adminUrl = embedded.url;
    console.log('\n[hearth tests] DATABASE_URL is not set: using an embedded PostgreSQL.');
  }
  const template = `hearth_template_${process.pid}`;
  await withAdminClient(adminUrl, async (client) => {
    await client.query(`drop database if exists "${template}" with (force)`);
    await client.query(`create database "${template}"`);
  });
  const orm = await openOrm(databaseUrl(adminUrl, template), { snapshotOnMigrate: false });
  try {
    await migrateToLatest(orm);
  } finally {
    await orm.close();
  }
  process.env.HEARTH_TEST_ADMIN_URL = adminUrl;
  process.env.HEARTH_TEST_TEMPLATE_DB = template;
  if (!process.env.REDIS_URL) {
    console.log('[hearth tests] REDIS_URL is not set: tests that need Redis are SKIPPED (set REDIS_URL to run them).');
  }
}
