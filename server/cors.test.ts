import { WebSocket as NodeWebSocket } from 'ws';
import type { Browser, Page } from 'playwright-core';
import { ContentStatus } from '../schema/content/content.entity';
import { Role } from '../schema/identity/member.entity';
import { describeWithChromium, launchChromium, servePage, type PageServer } from '../test/browser';
import { buildContent, buildMember } from '../test/factories';
import { startTestServer, subscriptionsReady, type TestServer } from '../test/server';
import { corsPolicy, PREFLIGHT_MAX_AGE_SECONDS } from './cors';

const APP_PAGE = '<!doctype html><html><head><title>A front end</title></head><body>app</body></html>';

/** Runs in the page: a POST with a bearer token, as any front end's GraphQL client sends it (a preflighted request). */
function queryFromPage(page: Page, url: string, token: string) {
  return page.evaluate(
    async ({ url, token }) => {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: '{ me { id displayName } }' }),
        });
        return { status: response.status, body: await response.json() };
      } catch (error) {
        return { failed: String(error) };
      }
    },
    { url, token },
  );
}

/** Runs in the page: a graphql-transport-ws subscription over the browser's WebSocket; resolves with its first event, or how the socket ended. */
function firstEventInPage(page: Page, wsUrl: string, token: string) {
  return page.evaluate(
    ({ wsUrl, token }) =>
      new Promise<{ data?: unknown; closed?: number; opened: boolean }>((resolve) => {
        let opened = false;
        const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
        socket.onopen = () => {
          opened = true;
          socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
        };
        socket.onmessage = (event) => {
          const message = JSON.parse(String(event.data));
          if (message.type === 'connection_ack') {
            socket.send(
              JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { contentPublished { id title } }' } }),
            );
          } else if (message.type === 'next') {
            resolve({ data: message.payload.data, opened });
            socket.close(1000);
          }
        };
        socket.onclose = (event) => resolve({ closed: event.code, opened });
      }),
    { wsUrl, token },
  );
}

describeWithChromium('a front end on another origin, in Chromium', () => {
  let browser: Browser;
  let server: TestServer;
  let allowed: PageServer;
  let other: PageServer;
  beforeAll(async () => {
    [allowed, other] = [await servePage(APP_PAGE), await servePage(APP_PAGE)];
    server = await startTestServer({ env: { CORS_ORIGINS: `${allowed.origin},https://app.example.com` } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await Promise.all([allowed?.close(), other?.close()]);
  });

  it('queries with a bearer token and subscribes over WebSocket from an allowed origin', async () => {
    const member = await buildMember(server.em(), { displayName: 'Browser Bea' });
    const token = await server.tokenFor(member.id);
    const page = await browser.newPage();
    await page.goto(allowed.origin);
    const answer = await queryFromPage(page, server.hearth.url, token);
    expect(answer).toEqual({ status: 200, body: { data: { me: { id: member.id, displayName: 'Browser Bea' } } } });

    const since = server.hearth.subscriptionsStarted();
    const event = firstEventInPage(page, server.hearth.wsUrl, token);
    await subscriptionsReady(server.hearth, since);
    const author = await buildMember(server.em(), { role: Role.ADMIN });
    const draft = await buildContent(server.em(), { author, status: ContentStatus.DRAFT, title: 'Seen from the browser' });
    await server.gql(
      `mutation($id: ID!) { publishContent(id: $id) { id } }`,
      { id: draft.id },
      { token: await server.tokenFor(author.id) },
    );
    expect(await event).toEqual({ opened: true, data: { contentPublished: { id: draft.id, title: 'Seen from the browser' } } });
    await page.close();
  });

  it('refuses a page on an origin that is not allowed, over HTTP and WebSocket', async () => {
    const member = await buildMember(server.em());
    const token = await server.tokenFor(member.id);
    const page = await browser.newPage();
    await page.goto(other.origin);
    const answer = await queryFromPage(page, server.hearth.url, token);
    expect(answer).toEqual({ failed: expect.stringMatching(/Failed to fetch/) });
    expect(await firstEventInPage(page, server.hearth.wsUrl, token)).toEqual({ opened: false, closed: 1006 });
    await page.close();
  });
});

describe('CORS and CSRF headers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { CORS_ORIGINS: 'https://app.example.com' } });
  });
  afterAll(() => server.stop());

  it('refuses a WebSocket from an origin that is not allowed with 403, and takes one from an allowed origin', async () => {
    const statusFrom = (origin: string) =>
      new Promise<number>((resolve, reject) => {
        const socket = new NodeWebSocket(server.hearth.wsUrl, 'graphql-transport-ws', { origin });
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
        socket.on('open', () => (socket.close(), resolve(101)));
        socket.on('error', reject);
      });
    expect(await statusFrom('https://evil.example')).toBe(403);
    expect(await statusFrom('https://app.example.com')).toBe(101);
  });

  const preflight = (origin: string) =>
    fetch(server.hearth.url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });

  it('answers an allowed preflight with 204, a cache lifetime and no credentials', async () => {
    const response = await preflight('https://app.example.com');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(response.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(response.headers.get('access-control-max-age')).toBe(String(PREFLIGHT_MAX_AGE_SECONDS));
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/Origin/);
  });

  it('refuses a preflight from another origin without any Access-Control header', async () => {
    const response = await preflight('https://evil.example.net');
    expect(response.status).toBe(403);
    const names: string[] = [];
    response.headers.forEach((_value, name) => names.push(name));
    expect(names.filter((name) => name.startsWith('access-control-'))).toEqual([]);
    expect((await response.json()).errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('keeps CSRF prevention: a simple cross-site POST (no preflight) is refused even from an allowed origin', async () => {
    const response = await fetch(server.hearth.url, {
      method: 'POST',
      headers: { origin: 'https://app.example.com', 'content-type': 'text/plain' },
      body: JSON.stringify({ query: 'mutation { logOut(refreshToken: "x") }' }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/);
  });
});

describe('corsPolicy origin patterns', () => {
  it('matches exact origins, any port of a host, and subdomains, nothing looser', () => {
    const policy = corsPolicy(['http://localhost:*', 'https://*.example.com', 'https://app.acme.io']);
    for (const origin of [
      'http://localhost:3000',
      'http://localhost',
      'https://a.b.example.com',
      'https://app.acme.io',
      'HTTPS://APP.ACME.IO',
    ]) {
      expect([origin, policy.allows(origin)]).toEqual([origin, true]);
    }
    for (const origin of [
      'http://localhost.evil.com',
      'https://localhost:3000',
      'https://example.com',
      'https://evilexample.com',
      'https://app.acme.io:444',
      'http://app.acme.io',
      'null',
    ]) {
      expect([origin, policy.allows(origin)]).toEqual([origin, false]);
    }
    expect(corsPolicy(['*']).allows('https://anything.example')).toBe(true);
  });
});
