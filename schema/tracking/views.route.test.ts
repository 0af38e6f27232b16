import { gzipSync } from 'node:zlib';
import { Content, ContentStatus } from '../content/content.entity';
import { buildContent, buildMember } from '../../test/factories';
import { startTestServer, type TestServer } from '../../test/server';
import { captureLogs } from '../../test/log-capture';
import { buildAdmin } from '../../test/factories';
import { ContentView } from './content-view.entity';
import { MAX_VIEWS_PER_CALL } from './tracking.inputs';

const RECORD_MANY = `mutation($input: RecordContentViewsInput!) {
  recordContentViews(input: $input) { contentId totalSeconds firstSeenAt newView content { id seenByMe viewCount } }
}`;
const SUSPEND = `mutation($id: ID!, $until: DateTime!) { suspendMember(memberId: $id, until: $until, reason: "Spam") { id } }`;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

const logs = captureLogs();
let server: TestServer;
let viewsUrl: string;
beforeAll(async () => {
  server = await startTestServer({ logger: logs.logger, env: { CORS_ORIGINS: 'https://app.example.com' } });
  viewsUrl = server.hearth.url.replace(/\/graphql$/, '/views');
});
afterAll(() => server.stop());

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function post(
  body: unknown,
  { token, headers = {}, url = viewsUrl }: { token?: string; headers?: Record<string, string>; url?: string } = {},
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === 'string' ? body : body instanceof Buffer ? new Uint8Array(body) : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() } satisfies Answer;
}

const code = (answer: Answer) => answer.body.errors?.[0]?.extensions?.code;

describe('POST /views', () => {
  it('records views as recordContentViews does, each answered after its commit with the item as it left it', async () => {
    const member = await buildMember(server.em());
    const [a, b] = [await buildContent(server.em()), await buildContent(server.em())];
    server.clock.set('2026-05-01T10:00:00Z');
    const token = await server.tokenFor(member.id);
    const opened = await post(
      {
        views: [
          { contentId: a.id, seconds: 0, source: 'FEED' },
          { contentId: b.id, seconds: 0 },
        ],
      },
      { token },
    );
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(opened.body).toEqual({
      views: [
        {
          contentId: a.id,
          totalSeconds: 0,
          firstSeenAt: '2026-05-01T10:00:00.000Z',
          newView: true,
          content: { id: a.id, seenByMe: true, viewCount: 1 },
        },
        {
          contentId: b.id,
          totalSeconds: 0,
          firstSeenAt: '2026-05-01T10:00:00.000Z',
          newView: true,
          content: { id: b.id, seenByMe: true, viewCount: 1 },
        },
      ],
    });
    // Heartbeats 20 s later: two entries for one item add up, capped by the real time elapsed.
    server.clock.advance({ seconds: 20 });
    const beat = await post(
      {
        views: [
          { contentId: a.id, seconds: 15 },
          { contentId: a.id, seconds: 15 },
          { contentId: b.id, seconds: 5 },
        ],
      },
      { token },
    );
    expect(beat.body.views.map((v: { totalSeconds: number; newView: boolean }) => [v.totalSeconds, v.newView])).toEqual([
      [20, false],
      [20, false],
      [5, false],
    ]);
    const views = await server.em().find(ContentView, { member: member.id }, { orderBy: { seconds: 'desc' } });
    expect(views.map((v) => [v.content.id, v.seconds, v.source])).toEqual([
      [a.id, 20, 'FEED'],
      [b.id, 5, 'DIRECT'],
    ]);
  });

  it('leaves the database as the GraphQL mutation leaves it, and answers the same fields', async () => {
    const [viaRoute, viaGraphQL] = [await buildMember(server.em()), await buildMember(server.em())];
    const items = [await buildContent(server.em()), await buildContent(server.em())];
    server.clock.set('2026-05-02T10:00:00Z');
    const calls = [
      [{ contentId: items[0].id, seconds: 0, source: 'SEARCH' }],
      [
        { contentId: items[0].id, seconds: 30, source: 'SEARCH' },
        { contentId: items[1].id, seconds: 12, source: 'EMAIL' },
      ],
    ];
    const answers: [unknown[], unknown[]] = [[], []];
    for (const views of calls) {
      const route = await post({ views }, { token: await server.tokenFor(viaRoute.id) });
      const graphql = await server.gql(RECORD_MANY, { input: { views } }, { token: await server.tokenFor(viaGraphQL.id) });
      answers[0].push(
        route.body.views.map(({ content, ...view }: { content: object }) => ({ ...view, content: { ...content, viewCount: 0 } })),
      );
      answers[1].push(
        graphql.data!.recordContentViews.map(({ content, ...view }: { content: object }) => ({
          ...view,
          content: { ...content, viewCount: 0 },
        })),
      );
      server.clock.advance({ seconds: 40 });
    }
    expect(answers[0]).toEqual(answers[1]);
    const stored = async (memberId: string) =>
      (await server.em().find(ContentView, { member: memberId }, { orderBy: { seconds: 'asc' } })).map((v) => [
        v.content.id,
        v.seconds,
        v.source,
        v.firstSeenAt.toISOString(),
      ]);
    expect(await stored(viaRoute.id)).toEqual(await stored(viaGraphQL.id));
    expect((await server.em().findOneOrFail(Content, items[0].id)).viewCount).toBe(2);
  });

  it('opens or extends the member’s visit, with the source an app names', async () => {
    const member = await buildMember(server.em());
    const content = await buildContent(server.em());
    server.clock.set('2026-05-03T10:00:00Z');
    await post(
      { views: [{ contentId: content.id, seconds: 0 }] },
      { token: await server.tokenFor(member.id), headers: { 'x-hearth-source': 'email' } },
    );
    await server.hearth.deps.visitTracker.flush();
    const [visit] = await server.em().getConnection().execute(`select source from visit where member_id = ?`, [member.id]);
    expect(visit.source).toBe('EMAIL');
    const [view] = await server.em().getConnection().execute(`select visit_id from content_view where member_id = ?`, [member.id]);
    expect(view.visit_id).not.toBeNull();
  });

  it('logs one operation line per call, as a GraphQL request does', async () => {
    const member = await buildMember(server.em());
    logs.clear();
    await post({ views: [] }, { token: await server.tokenFor(member.id) });
    await post({ views: [{ contentId: UNKNOWN_ID, seconds: 0 }] }, { token: await server.tokenFor(member.id) });
    expect(
      logs
        .lines()
        .filter((line) => line.msg === 'operation')
        .map(({ operation, memberId, code }) => ({ operation, memberId, code })),
    ).toEqual([
      { operation: 'POST /views', memberId: member.id, code: null },
      { operation: 'POST /views', memberId: member.id, code: 'NOT_FOUND' },
    ]);
  });

  it('answers an empty list for no views', async () => {
    const member = await buildMember(server.em());
    expect((await post({ views: [] }, { token: await server.tokenFor(member.id) })).body).toEqual({ views: [] });
  });

  it('accepts a trailing slash, any letter case of the path, a query string and a gzipped body', async () => {
    const member = await buildMember(server.em());
    const content = await buildContent(server.em());
    const token = await server.tokenFor(member.id);
    const body = JSON.stringify({ views: [{ contentId: content.id.toUpperCase(), seconds: 0 }] });
    for (const url of [`${viewsUrl}/`, viewsUrl.replace(/views$/, 'Views'), `${viewsUrl}?v=1`]) {
      const answer = await post(body, { token, url });
      expect([answer.status, answer.body.views[0].contentId]).toEqual([200, content.id]);
    }
    const zipped = await post(gzipSync(body), { token, headers: { 'content-encoding': 'gzip' } });
    expect(zipped.status).toBe(200);
  });
});

describe('POST /views refuses, with a status and a code, and writes nothing', () => {
  let memberId: string;
  let content: Content;
  beforeAll(async () => {
    memberId = (await buildMember(server.em())).id;
    content = await buildContent(server.em());
  });
  // Issued per call: a test that moves the clock would leave an earlier token expired.
  const fresh = () => server.tokenFor(memberId);
  const viewsOf = async () => server.em().count(ContentView, { content: content.id });

  it.each([
    ['no token', undefined, 401, 'UNAUTHENTICATED', 'You must be logged in.'],
    [
      'a token that is not one',
      'not-a-token',
      401,
      'UNAUTHENTICATED',
      'Your access token is invalid or has expired; refresh your session.',
    ],
  ])('%s', async (_, bad, status, expected, message) => {
    const answer = await post({ views: [{ contentId: content.id, seconds: 0 }] }, { token: bad });
    expect([answer.status, code(answer), answer.body.errors[0].message]).toEqual([status, expected, message]);
    expect(await viewsOf()).toBe(0);
  });

  it('a suspended member', async () => {
    const [admin, member] = [await buildAdmin(server.em()), await buildMember(server.em())];
    server.clock.set('2026-05-04T10:00:00Z');
    await server.gql(SUSPEND, { id: member.id, until: '2026-06-01T00:00:00Z' }, { token: await server.tokenFor(admin.id) });
    const answer = await post({ views: [{ contentId: content.id, seconds: 0 }] }, { token: await server.tokenFor(member.id) });
    expect([answer.status, code(answer), answer.body.errors[0].message]).toEqual([401, 'UNAUTHENTICATED', 'This account is suspended.']);
  });

  it.each([
    ['not an object', [1, 2], { views: 'required, a list' }],
    ['views missing', {}, { views: 'required, a list' }],
    ['an unknown top-level field', { views: [], extra: 1 }, { views: 'required, a list' }],
    ['a view that is not an object', { views: [null] }, { 'views.0': 'must be an object' }],
    ['a misspelt field', { views: [{ contentId: UNKNOWN_ID, second: 3, seconds: 3 }] }, { 'views.0.second': 'unknown field' }],
    ['seconds missing', { views: [{ contentId: UNKNOWN_ID }] }, { 'views.0.seconds': 'required, an integer from 0 to 3600' }],
    ['seconds negative', { views: [{ contentId: UNKNOWN_ID, seconds: -1 }] }, { 'views.0.seconds': 'required, an integer from 0 to 3600' }],
    [
      'seconds fractional',
      { views: [{ contentId: UNKNOWN_ID, seconds: 1.5 }] },
      { 'views.0.seconds': 'required, an integer from 0 to 3600' },
    ],
    ['seconds as text', { views: [{ contentId: UNKNOWN_ID, seconds: '5' }] }, { 'views.0.seconds': 'required, an integer from 0 to 3600' }],
    [
      'more seconds than an hour',
      { views: [{ contentId: UNKNOWN_ID, seconds: 3601 }] },
      { 'views.0.seconds': 'required, an integer from 0 to 3600' },
    ],
    [
      'an unknown source',
      { views: [{ contentId: UNKNOWN_ID, seconds: 1, source: 'feed' }] },
      { 'views.0.source': expect.stringMatching(/^one of FEED, /) },
    ],
    ['contentId missing', { views: [{ seconds: 1 }] }, { 'views.0.contentId': 'required, an ID' }],
    ['contentId a number', { views: [{ contentId: 7, seconds: 1 }] }, { 'views.0.contentId': 'required, an ID' }],
    [
      `more than ${MAX_VIEWS_PER_CALL} views`,
      { views: Array.from({ length: MAX_VIEWS_PER_CALL + 1 }, () => ({ contentId: UNKNOWN_ID, seconds: 0 })) },
      { views: `at most ${MAX_VIEWS_PER_CALL}` },
    ],
  ])('%s: BAD_USER_INPUT naming the field', async (_, body, fields) => {
    const answer = await post(body, { token: await fresh() });
    expect([answer.status, code(answer)]).toEqual([400, 'BAD_USER_INPUT']);
    expect(answer.body.errors[0].extensions.fields).toEqual(fields);
  });

  it('names every wrong field of a call at once', async () => {
    const answer = await post(
      {
        views: [
          { contentId: content.id, seconds: 0 },
          { contentId: '', seconds: -3, source: 'X' },
        ],
      },
      { token: await fresh() },
    );
    expect(Object.keys(answer.body.errors[0].extensions.fields)).toEqual(['views.1.contentId', 'views.1.seconds', 'views.1.source']);
    expect(await viewsOf()).toBe(0);
  });

  it.each([
    ['an unknown item', UNKNOWN_ID],
    ['an id that is not a UUID', 'abc'],
    ['an id with a NUL character', `${UNKNOWN_ID}\u0000`],
    ['an id with half a character', `\ud83d${UNKNOWN_ID}`],
  ])('%s: NOT_FOUND naming the view, and nothing of the call is written', async (_, contentId) => {
    const answer = await post(
      {
        views: [
          { contentId: content.id, seconds: 0 },
          { contentId, seconds: 0 },
        ],
      },
      { token: await fresh() },
    );
    expect([answer.status, code(answer), answer.body.errors[0].extensions.fields]).toEqual([
      404,
      'NOT_FOUND',
      { 'views.1.contentId': 'not found' },
    ]);
    expect(await viewsOf()).toBe(0);
  });

  it('a draft, as an unknown item', async () => {
    const draft = await buildContent(server.em(), { status: ContentStatus.DRAFT });
    const answer = await post({ views: [{ contentId: draft.id, seconds: 0 }] }, { token: await fresh() });
    expect([answer.status, code(answer)]).toEqual([404, 'NOT_FOUND']);
  });

  it.each([
    ['a body that is not JSON', '{"views": [', {}, 400, 'BAD_REQUEST'],
    [
      'a body that is not application/json',
      'views=1',
      { 'content-type': 'application/x-www-form-urlencoded' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a text/plain body (a form a browser sends without preflight)',
      '{"views": []}',
      { 'content-type': 'text/plain' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['an unknown content encoding', '{"views": []}', { 'content-encoding': 'compress' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a body over 32 KB', JSON.stringify({ views: [], pad: 'x'.repeat(40_000) }), {}, 413, 'PAYLOAD_TOO_LARGE'],
  ])('%s', async (_, body, headers, status, expected) => {
    const answer = await post(body, { token: await fresh(), headers });
    expect([answer.status, code(answer)]).toEqual([status, expected]);
    expect(answer.body.errors[0].message).not.toMatch(/at .*\.js/);
  });

  it('GET: 405 naming the method', async () => {
    const response = await fetch(viewsUrl, { headers: { authorization: `Bearer ${await fresh()}` } });
    expect([response.status, response.headers.get('allow'), ((await response.json()) as any).errors[0].extensions.code]).toEqual([
      405,
      'POST',
      'METHOD_NOT_ALLOWED',
    ]);
  });

  it('the database away: 503 with Retry-After, logged as a warning rather than an error with a stack', async () => {
    const writer = server.hearth.deps.viewWriter as unknown as { writeMany: (...args: unknown[]) => Promise<unknown> };
    const original = writer.writeMany;
    writer.writeMany = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    try {
      logs.clear();
      const answer = await post({ views: [{ contentId: content.id, seconds: 0 }] }, { token: await fresh() });
      expect([answer.status, answer.headers.get('retry-after'), code(answer), answer.body.errors[0].extensions.retryAfterSeconds]).toEqual([
        503,
        '2',
        'SERVICE_UNAVAILABLE',
        2,
      ]);
      expect(logs.errors()).toEqual([]);
      expect(
        logs
          .lines()
          .filter((line) => line.level === 40)
          .map((line) => line.msg),
      ).toEqual(['a dependency is unavailable: answering SERVICE_UNAVAILABLE']);
    } finally {
      writer.writeMany = original;
    }
  });
});

describe('POST /views from a browser app on another origin', () => {
  it('answers the preflight for an allowed origin, and the call carries Access-Control-Allow-Origin', async () => {
    const preflight = await fetch(viewsUrl, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization, content-type/);
    const member = await buildMember(server.em());
    const content = await buildContent(server.em());
    const answer = await post(
      { views: [{ contentId: content.id, seconds: 0 }] },
      { token: await server.tokenFor(member.id), headers: { origin: 'https://app.example.com' } },
    );
    expect([answer.status, answer.headers.get('access-control-allow-origin')]).toEqual([200, 'https://app.example.com']);
  });

  it('refuses the preflight of an origin not allowed', async () => {
    const preflight = await fetch(viewsUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
  });
});
