import { readdirSync, readFileSync } from 'node:fs';
import { benchDatabase } from '../bench-env';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { EntityManager } from '@mikro-orm/postgresql';
import { chromium, type Page } from 'playwright-core';
import { AccessTokens } from '../../../server/access-token';
import { systemClock } from '../../../server/clock';
import { migrateToLatest, openOrm } from '../../../server/db/orm';
import { seedDemoCommunity } from '../../../seed/demo-community';
import { startTarget } from '../load';
import { median, type BenchRow } from '../report';
import type { BenchContext, Workload } from '../run';

/** dist/test/bench/workloads → dist/admin, which `npm run bench` builds with everything else. */
const CONSOLE_DIR = path.resolve(__dirname, '../../../admin');
const INSIGHTS_OPERATIONS = path.resolve(__dirname, '../../../../admin/operations/insights.graphql');
const BUDGET_KB = 300;
const FIGURES_MS = 1500;
const RUNS = 5;
/** The embedded default's demo community (server/api.ts): what `npm install && npm start` shows. */
const DEMO = { members: 500, days: 90, seed: 42 };

function consoleJsGzippedKb(): number {
  const assets = path.join(CONSOLE_DIR, 'assets');
  const bytes = readdirSync(assets)
    .filter((file) => file.endsWith('.js'))
    .reduce((sum, file) => sum + gzipSync(readFileSync(path.join(assets, file)), { level: 9 }).length, 0);
  return bytes / 1024;
}

async function demoDatabase(ctx: BenchContext): Promise<{ url: string; adminId: string; adminEmail: string; password: string }> {
  const name = 'hearth_bench_admin_console';
  const url = await benchDatabase(ctx.databaseUrl, name, { fresh: true });
  const orm = await openOrm(url);
  try {
    await migrateToLatest(orm);
    const em = orm.em.fork() as EntityManager;
    const demo = await seedDemoCommunity(em, { ...DEMO, now: new Date() });
    const adminEmail = demo.logins.find((login) => login.role === 'ADMIN')!.email;
    const [{ id }] = await em.execute<{ id: string }[]>('select id from member where email = ?', [adminEmail]);
    await em.execute('vacuum analyze');
    return { url, adminId: id, adminEmail, password: demo.password };
  } finally {
    await orm.close();
  }
}

const shown = (page: Page) => page.locator('[data-figure="mean-revisit"]').waitFor();

/**
 * A1: the admin console's weight (its JavaScript, gzipped) and how soon Insights shows its
 * figures on the demo community, in Debian's Chromium: after logging in (the first view), and
 * when an admin comes back to it from another page. Baseline: the page's one Insights request
 * alone, sent from Node.
 */
export const adminConsoleWorkload: Workload = {
  name: 'A1 admin console',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const kb = consoleJsGzippedKb();
    const rows: BenchRow[] = [
      {
        workload: `${this.name} JS`,
        measure: 'KB gzipped',
        hearth: kb,
        baseline: BUDGET_KB,
        ratio: BUDGET_KB / kb,
        target: `≤ ${BUDGET_KB} KB`,
        targetRatio: 1,
      },
    ];
    const db = await demoDatabase(ctx);
    const hearth = await startTarget('hearth.js', [db.url, ctx.jwtSecret]);
    const browser = await chromium.launch({
      executablePath: '/usr/lib/chromium/chromium',
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    });
    try {
      const origin = new URL(hearth.url).origin;
      const afterLogin: number[] = [];
      const backToInsights: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
        await page.goto(`${origin}/admin/`);
        await page.getByLabel('Email').fill(db.adminEmail);
        await page.getByLabel('Password').fill(db.password);
        let started = performance.now();
        await page.getByLabel('Password').press('Enter');
        await shown(page);
        afterLogin.push(performance.now() - started);
        await page.getByRole('link', { name: 'Members' }).click();
        await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
        started = performance.now();
        await page.getByRole('link', { name: 'Insights' }).click();
        await shown(page);
        backToInsights.push(performance.now() - started);
        await page.context().close();
      }
      const token = (await new AccessTokens(ctx.jwtSecret, systemClock).issue(db.adminId)).token;
      const to = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
      const window = {
        from: new Date(to.getTime() - 29 * 86_400_000).toISOString(),
        to: new Date(to.getTime() + 86_400_000).toISOString(),
      };
      const query = readFileSync(INSIGHTS_OPERATIONS, 'utf8');
      const request: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const started = performance.now();
        const response = await fetch(hearth.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, operationName: 'Insights', variables: window }),
        });
        const body = (await response.json()) as { errors?: unknown };
        if (body.errors) throw new Error(JSON.stringify(body.errors));
        request.push(performance.now() - started);
      }
      const baseline = median(request);
      for (const [label, times] of [
        ['login → figures', afterLogin],
        ['back to Insights → figures', backToInsights],
      ] as const) {
        const ms = median(times);
        rows.push({
          workload: `${this.name} ${label}`,
          measure: `ms (median of ${RUNS})`,
          hearth: ms,
          baseline,
          baselineName: 'the request alone',
          ratio: FIGURES_MS / ms,
          target: `≤ ${FIGURES_MS} ms`,
          targetRatio: 1,
        });
      }
    } finally {
      await browser.close();
      await hearth.stop();
    }
    return rows;
  },
};
