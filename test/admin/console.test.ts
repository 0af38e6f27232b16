import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../../server/clock';
import { seedDemoCommunity, type DemoCommunity } from '../../seed/demo-community';
import { Member, Role } from '../../schema/identity/member.entity';
import { startTestServer, until, type TestServer } from '../server';
import { CONSOLE_DIR, launchBrowser, logIn, navigate, screenshot, seriousViolations } from './console-harness';

/**
 * The admin console in a real browser (Debian's Chromium through playwright-core) against a real
 * server on a seeded demo community: one build, one server, one browser for the whole file.
 */
let server: TestServer;
let browser: Browser;
let demo: DemoCommunity;
let adminId: string;

const DAY_MS = 86_400_000;
const day = (date: Date) => date.toISOString().slice(0, 10);

beforeAll(async () => {
  const now = new Date();
  browser = await launchBrowser();
  server = await startTestServer({ clock: new ManualClock(now), adminDir: CONSOLE_DIR });
  demo = await seedDemoCommunity(server.em(), { members: 120, days: 60, seed: 42, now });
  const admin = await server.em().findOneOrFail(Member, { email: email(Role.ADMIN) });
  adminId = admin.id;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** An access token valid at the server's clock now (one test moves the clock past expiries). */
const adminToken = () => server.tokenFor(adminId);

function email(role: Role): string {
  return demo.logins.find((login) => login.role === role)!.email;
}

async function openConsole(path = '/admin/', width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await page.goto(new URL(path, server.hearth.url).href);
  return page;
}

async function openAsAdmin(path = '/admin/', width = 1280): Promise<Page> {
  const page = await openConsole(path, width);
  await logIn(page, email(Role.ADMIN), demo.password);
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  return page;
}

/** Every query settled and every chart drawn: what a screenshot and axe should see. */
async function settled(page: Page): Promise<void> {
  await until('the page to settle', () =>
    page.evaluate(
      () =>
        !document.querySelector('.loading, [aria-busy="true"]') &&
        Array.from(document.querySelectorAll('canvas')).every((canvas) => canvas.width > 0),
    ),
  );
}

describe('admin console', () => {
  it('serves the console at /admin with cache headers and a history fallback', async () => {
    const base = new URL('/admin/', server.hearth.url);
    const index = await fetch(new URL('/admin/rules/some-rule?from=2026-01-01', base));
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await index.text();
    const script = html.match(/src="(\/admin\/assets\/[^"]+\.js)"/)![1];
    const asset = await fetch(new URL(script, base));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(new URL('/admin/assets/missing-0000.js', base))).status).toBe(404);
  });

  it('refuses a member with a message that the console is for admins, and lets them try another account', async () => {
    const page = await openConsole();
    await logIn(page, email(Role.MEMBER), demo.password);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('This console is for community admins');
    expect(await page.getByRole('button', { name: 'Log out' }).count()).toBe(0);
    await page.context().close();
  });

  it('shows on Insights the same revisit mean, band counts and reach as the API for the range in the URL', async () => {
    const to = day(server.clock.now());
    const from = day(new Date(server.clock.now().getTime() - 29 * DAY_MS));
    const page = await openAsAdmin(`/admin/?from=${from}&to=${to}`);
    const window = { from: `${from}T00:00:00.000Z`, to: `${day(new Date(Date.parse(to) + DAY_MS))}T00:00:00.000Z` };
    const api = await server.gql(
      `query($from: DateTime!, $to: DateTime!) {
        revisitFrequency(from: $from, to: $to) { meanDays medianDays bands { daily weekly monthly rare oneVisit noVisit } }
        byType: contentReach(from: $from, to: $to, groupBy: TYPE, orderBy: REACH_DESC, first: 5) { edges { node { label reach views } } }
      }`,
      window,
      { token: await adminToken() },
    );
    const { revisitFrequency, byType } = api.data!;
    expect(revisitFrequency.meanDays).not.toBeNull();
    const figure = (id: string) => page.locator(`[data-figure="${id}"]`).textContent();
    expect(await figure('mean-revisit')).toBe(`${revisitFrequency.meanDays.toFixed(1)} days`);
    expect(await figure('median-revisit')).toBe(`${revisitFrequency.medianDays.toFixed(1)} days`);
    for (const [band, count] of Object.entries(revisitFrequency.bands)) {
      expect(await figure(`band-${band}`)).toBe(new Intl.NumberFormat('en-GB').format(count as number));
    }
    const reach = page.getByRole('figure', { name: 'Reach by content type' });
    await reach.getByRole('button', { name: 'Show table' }).click();
    const rows = reach.getByRole('row');
    expect(byType.edges.length).toBeGreaterThan(0);
    expect(await rows.count()).toBe(byType.edges.length + 1);
    for (const [i, { node }] of byType.edges.entries()) {
      const cells = await rows
        .nth(i + 1)
        .getByRole('cell')
        .allTextContents();
      expect([cells[0], cells[1], cells[3]]).toEqual([
        node.label,
        `${(node.reach * 100).toFixed(1)} %`,
        new Intl.NumberFormat('en-GB').format(node.views),
      ]);
    }
    await page.context().close();
  });

  it('creates an INACTIVITY rule, previews its eligible members as the admin types, and enables it', async () => {
    const page = await openAsAdmin();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Rules' }).click();
    await page.getByRole('link', { name: 'New rule' }).click();
    const name = `Win back ${Date.now()}`;
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Days without a visit').fill('10');
    await until(
      'the preview of a 10-day rule',
      async () =>
        Number(
          (await page
            .locator('[data-figure="eligible"]')
            .textContent()
            .catch(() => '')) || 0,
        ) > 0 && !(await page.locator('[aria-busy="true"]').count()),
    );
    expect(await page.locator('.samples li').count()).toBeGreaterThan(0);
    // The power of the draft as the API words it (the default 10 % held out, H = 14 days).
    expect(await page.locator('[data-figure="minimum-detectable-lift"]').textContent()).toMatch(
      /^With 10 % held out \(\d+ of the \d+ members it selects now\), this rule can detect a lift of [\d.]+ visit days per member in 14 days/,
    );
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.waitForURL(/\/admin\/rules\/[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByRole('button', { name: 'Disable' }).waitFor();
    const rules = await server.gql(`{ engagementRules { name trigger inactivityDays enabled } }`, {}, { token: await adminToken() });
    expect(rules.data!.engagementRules.find((rule: any) => rule.name === name)).toEqual({
      name,
      trigger: 'INACTIVITY',
      inactivityDays: 10,
      enabled: true,
    });
    await page.context().close();
  });

  it('schedules a session with a speaker, lists it, edits and cancels it', async () => {
    const page = await openAsAdmin();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Live' }).click();
    await page.getByRole('link', { name: 'Schedule a session' }).click();
    const title = `Roadmap live ${Date.now()}`;
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Capacity (blank: no limit)').fill('80');
    await page.getByLabel('Find a speaker').fill('speaker@demo');
    await page.getByRole('button', { name: /^Add / }).first().click();
    await page.getByRole('button', { name: 'Schedule', exact: true }).click();
    await page.waitForURL(/\/admin\/live\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: title }).waitFor();
    await page.getByRole('link', { name: 'Live sessions' }).click();
    await page.getByRole('row').filter({ hasText: title }).waitFor();
    expect(await page.getByRole('row').filter({ hasText: title }).textContent()).toContain('0 / 80');
    // Edit, then cancel (asked twice: registrants are told).
    await page.getByRole('link', { name: title }).click();
    await page.getByLabel('Capacity (blank: no limit)').fill('120');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await page.getByRole('button', { name: 'Cancel the session' }).click();
    await page.getByRole('button', { name: /^Cancel it and tell/ }).click();
    await page.locator('.badge', { hasText: 'Cancelled' }).waitFor();
    const sessions = await server.gql(
      `{ liveSessions(status: CANCELLED, first: 50) { edges { node { title capacity } } } }`,
      {},
      { token: await adminToken() },
    );
    expect(sessions.data!.liveSessions.edges.map((e: any) => e.node)).toContainEqual({ title, capacity: 120 });
    await page.context().close();
  });

  it('checks accessibility with axe as the tour below runs it: a page with violations fails', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.setContent(
      '<html lang="en"><head><title>Broken</title></head><body><main><h1>Broken</h1>' +
        '<button></button><p style="color:#ccc;background:#fff">Faint text</p><img src="data:,"></main></body></html>',
    );
    const found = await seriousViolations(page);
    expect(found.map((line) => line.split(' ')[0]).sort()).toEqual(['button-name', 'color-contrast', 'image-alt']);
    await page.context().close();
  });

  it('has no serious or critical accessibility violation on any page (screenshots at 1280 and 390 px in artifacts/)', async () => {
    const rule = await server.gql(
      `mutation { createEngagementRule(input: { name: "Tour rule", trigger: UNSEEN_BACKLOG, holdoutPercent: 20 }) { id } }`,
      {},
      { token: await adminToken() },
    );
    const startsAt = new Date(server.clock.now().getTime() + 3 * DAY_MS);
    const session = await server.gql(
      `mutation($startsAt: DateTime!, $endsAt: DateTime!) { scheduleLiveSession(input: { title: "Tour session", startsAt: $startsAt, endsAt: $endsAt, capacity: 50 }) { id } }`,
      { startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000) },
      { token: await adminToken() },
    );
    const member = await server.em().findOneOrFail(Member, { email: email(Role.MEMBER) });
    const pages: [name: string, path: string, heading: string][] = [
      ['insights', '/admin/', 'Insights'],
      ['content', '/admin/content', 'Content'],
      ['rules', '/admin/rules', 'Rules'],
      ['rule-new', '/admin/rules/new', 'New rule'],
      ['rule', `/admin/rules/${rule.data!.createEngagementRule.id}`, 'Tour rule'],
      ['live', '/admin/live', 'Live sessions'],
      ['live-new', '/admin/live/new', 'Schedule a session'],
      ['session', `/admin/live/${session.data!.scheduleLiveSession.id}`, 'Tour session'],
      ['members', '/admin/members', 'Members'],
      ['member', `/admin/members/${member.id}`, member.displayName],
    ];
    const violations: string[] = [];
    for (const width of [1280, 390]) {
      const page = await openConsole('/admin/', width);
      await page.getByLabel('Email').waitFor();
      if (width === 1280) violations.push(...(await seriousViolations(page)).map((line) => `login: ${line}`));
      await screenshot(page, 'login');
      await logIn(page, email(Role.ADMIN), demo.password);
      await page.getByRole('button', { name: 'Log out' }).waitFor();
      for (const [name, path, heading] of pages) {
        await navigate(page, path);
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
        await settled(page);
        // axe reads the DOM and styles: once per page is enough; the phone width gets its screenshot.
        if (width === 1280) violations.push(...(await seriousViolations(page)).map((line) => `${name}: ${line}`));
        await screenshot(page, name);
      }
      await page.context().close();
    }
    expect(violations).toEqual([]);
  }, 120_000);

  it('refreshes an expired access token without asking again, and logs out', async () => {
    const page = await openAsAdmin();
    // Past the access token's 15 minutes: the next call is refused, the console refreshes and retries.
    server.clock.set(new Date(server.clock.now().getTime() + 16 * 60_000));
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Members' }).click();
    await page
      .getByRole('table', { name: /Members, newest first/ })
      .getByRole('link')
      .first()
      .waitFor();
    expect(await page.getByRole('button', { name: 'Log out' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Email').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/members');
    await page.context().close();
  });
});
