import type { Browser, Route } from 'playwright-core';
import { ContentStatus } from '../content/content.entity';
import { Role } from '../identity/member.entity';
import { describeWithChromium, launchChromium } from '../../test/browser';
import { buildAdmin, buildContent, buildMember } from '../../test/factories';
import { buildSession } from '../../test/live';
import { startTestServer, type TestServer } from '../../test/server';
import { DEMO_PASSWORD, seedDemoCommunity } from '../../seed/demo-community';
import { EmailLinks } from '../engagement/email-links';

let server: TestServer;
let origin: string;
beforeAll(async () => {
  server = await startTestServer();
  origin = server.hearth.url.replace(/\/graphql$/, '');
});
afterAll(() => server.stop());

const get = (path: string) => fetch(`${origin}${path}`, { redirect: 'manual' });

describe('GET /', () => {
  it('says what runs here, where the API is and how to try it', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain(`<code>${server.hearth.url}</code>`);
    expect(html).toContain(`<code>${server.hearth.wsUrl}</code>`);
    expect(html).toContain('href="/graphiql"');
    expect(html).toMatch(/B2B community/);
  });
});

describe('pages for links in emails (outside production)', () => {
  it('shows a published item, a session and the email settings; a draft or unknown id is an HTML 404', async () => {
    const item = await buildContent(server.em(), {
      title: 'Pipeline <reviews> that work',
      body: '## Agenda\n\nThirty minutes, <b>one</b> report.',
    });
    const draft = await buildContent(server.em(), { status: ContentStatus.DRAFT });
    const admin = await buildAdmin(server.em());
    const speaker = await buildMember(server.em(), { displayName: 'Spoken Sam' });
    const session = await buildSession(server.em(), admin.id, { title: 'Live: forecasting', speakerIds: [speaker.id] });

    const page = await (await get(`/content/${item.id}?source=EMAIL`)).text();
    expect(page).toContain('<h1>Pipeline &lt;reviews&gt; that work</h1>');
    expect(page).toContain('<h2>Agenda</h2>');
    expect(page).toContain('Thirty minutes, &lt;b&gt;one&lt;/b&gt; report.');
    const live = await (await get(`/live/${session.id}`)).text();
    expect(live).toContain('<h1>Live: forecasting</h1>');
    expect(live).toContain('Spoken Sam');
    expect(await (await get('/settings/email')).text()).toContain('updateEmailPreferences');
    expect(await (await get('/feed?source=EMAIL')).text()).toContain(`href="/content/${item.id}"`);
    for (const path of [`/content/${draft.id}`, '/content/not-an-id', '/live/00000000-0000-4000-8000-000000000000']) {
      const missing = await get(path);
      expect([path, missing.status, missing.headers.get('content-type')]).toEqual([path, 404, expect.stringMatching(/text\/html/)]);
    }
  });

  it('shows nothing of what moderation hides: an item hidden, or by a suspended author, is a 404 and off /feed', async () => {
    const hidden = await buildContent(server.em(), { hiddenAt: new Date('2026-01-03T00:00:00Z') });
    const suspendedAuthor = await buildMember(server.em(), { role: Role.SPEAKER, suspendedUntil: new Date('2099-01-01T00:00:00Z') });
    const bySuspended = await buildContent(server.em(), { author: suspendedAuthor });
    const feed = await (await get('/feed')).text();
    for (const item of [hidden, bySuspended]) {
      expect((await get(`/content/${item.id}`)).status).toBe(404);
      expect(feed).not.toContain(item.id);
    }
  });

  it('leaves those paths to the front end in production', async () => {
    const production = await startTestServer({
      env: {
        NODE_ENV: 'production',
        LIVEKIT_URL: 'wss://live.example.com',
        LIVEKIT_API_KEY: 'key',
        LIVEKIT_API_SECRET: 's'.repeat(32),
        PUBLIC_URL: 'https://community.example.com',
      },
    });
    try {
      const item = await buildContent(production.em());
      const response = await fetch(production.hearth.url.replace(/graphql$/, `content/${item.id}`));
      expect(response.status).toBe(404);
      expect((await response.json()).errors[0].extensions.code).toBe('NOT_FOUND');
    } finally {
      await production.stop();
    }
  });
});

describeWithChromium('the landing page and GraphiQL in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    // Seeded here, not by a start: the page lists the demo logins whichever start seeded them.
    await seedDemoCommunity(server.em(), { members: 40, days: 30, seed: 42, now: server.clock.now() });
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it('lists the demo logins and fits a phone and a laptop screen', async () => {
    for (const width of [375, 800]) {
      const page = await browser.newPage({ viewport: { width, height: 800 } });
      await page.goto(`${origin}/`);
      expect(await page.locator('body').innerText()).toContain('admin@demo.hearth.dev');
      expect(await page.locator('body').innerText()).toContain(DEMO_PASSWORD);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      await page.close();
    }
  });

  it('loads each page without an error in the browser console (no request for a missing icon)', async () => {
    const item = await buildContent(server.em(), { title: 'An item for the console check' });
    // The page an email's unsubscribe link opens (a confirmation; it unsubscribes nobody by itself).
    const unsubscribe = new URL(new EmailLinks(server.config.jwtSecret, origin).unsubscribeUrl((await buildMember(server.em())).id))
      .pathname;
    for (const path of ['/', `/content/${item.id}`, '/graphiql', unsubscribe]) {
      // A context each: Chromium asks for an origin's icon once and remembers the answer.
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
      page.on('pageerror', (error) => problems.push(String(error)));
      await page.goto(`${origin}${path}`);
      // GraphiQL is ready once its editor shows (a busy machine takes a while to run its bundle);
      // then a moment for the icon a browser asks for after the load.
      if (path === '/graphiql') await page.locator('.graphiql-query-editor').waitFor({ timeout: 60_000 });
      await page.waitForTimeout(1_000);
      expect([path, problems]).toEqual([path, []]);
      await context.close();
    }
  }, 120_000);

  it('runs GraphiQL from files the API serves, with every other host unreachable (offline)', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const elsewhere: string[] = [];
    const offline = (route: Route) => {
      const url = new URL(route.request().url());
      if (url.origin === origin || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      elsewhere.push(url.href);
      return route.abort();
    };
    await page.route('**/*', offline);
    await page.goto(`${origin}/graphiql?query=${encodeURIComponent('{ __typename }')}`);
    await page.locator('.graphiql-query-editor').getByText('__typename').waitFor({ timeout: 60_000 });
    await page.locator('.graphiql-execute-button').click();
    await page.locator('.graphiql-response').getByText('"Query"').waitFor({ timeout: 30_000 });
    // Its opening document logs in as a demo member, and the token is used for the next operation
    // (in a browser profile of its own: GraphiQL keeps the last tabs).
    const fresh = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    await fresh.route('**/*', offline);
    const second = await fresh.newPage();
    await second.goto(`${origin}/graphiql`);
    await second.locator('.graphiql-query-editor').getByText('LogIn', { exact: true }).waitFor({ timeout: 60_000 });
    for (const [operation, answer] of [
      ['LogIn', 'accessToken'],
      ['Feed', 'seenByMe'],
    ]) {
      await second.locator('.graphiql-execute-button').click();
      await second.getByRole('menuitem', { name: operation }).click();
      await second.locator('.graphiql-response').getByText(answer).first().waitFor({ timeout: 30_000 });
    }
    expect(await second.locator('.graphiql-response').innerText()).not.toContain('UNAUTHENTICATED');
    await fresh.close();
    // The documentation explorer comes from an introspection of this API, also from here.
    await page.locator('.graphiql-sidebar button[aria-label="Show Documentation Explorer"]').click();
    await page.locator('.graphiql-doc-explorer').getByText('Mutation', { exact: true }).waitFor({ timeout: 30_000 });
    expect(elsewhere).toEqual([]);
    await page.close();
  }, 90_000);
});
