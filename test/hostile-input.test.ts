import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { buildAdmin, buildContent, buildMember } from './factories';
import { buildSession } from './live';
import { captureLogs } from './log-capture';
import { errorCode, startTestServer, wsExecute, type GraphQLResponse, type TestServer } from './server';
import { QUERY_LIMITS } from '../server/limits';

const logs = captureLogs('info');
let server: TestServer;
let adminToken: string;
let memberToken: string;
let ids: { content: string; session: string; conversation: string };
let adminId: string;

beforeAll(async () => {
  server = await startTestServer({ logger: logs.logger });
  const admin = await buildAdmin(server.em());
  adminId = admin.id;
  const member = await buildMember(server.em());
  [adminToken, memberToken] = [await server.tokenFor(admin.id), await server.tokenFor(member.id)];
  const content = await buildContent(server.em());
  const session = await buildSession(server.em(), admin.id);
  const sent = await server.gql(
    `mutation($input: SendMessageInput!) { sendMessage(input: $input) { conversationId } }`,
    { input: { recipientId: member.id, body: 'hello' } },
    { token: adminToken },
  );
  ids = { content: content.id, session: session.id, conversation: sent.data!.sendMessage.conversationId };
});
afterAll(() => server.stop());
beforeEach(() => logs.clear());

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const UUID = '00000000-0000-4000-8000-000000000000';
const window = 'from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z"';

/** Every paginated field, with the argument that takes its cursor. */
const paginated: [name: string, argument: 'after' | 'before', query: () => string][] = [
  ['feed', 'after', () => `query($c: String) { feed(after: $c) { edges { cursor } } }`],
  ['members', 'after', () => `query($c: String) { members(after: $c) { edges { cursor } } }`],
  ['notifications', 'after', () => `query($c: String) { notifications(after: $c) { edges { cursor } } }`],
  ['conversations', 'after', () => `query($c: String) { conversations(after: $c) { edges { cursor } } }`],
  ['comments', 'after', () => `query($c: String) { comments(contentId: "${ids.content}", after: $c) { edges { cursor } } }`],
  ['liveSessions', 'after', () => `query($c: String) { liveSessions(after: $c) { edges { cursor } } }`],
  ['myMeetings', 'after', () => `query($c: String) { myMeetings(after: $c) { edges { cursor } } }`],
  ['partnerLeads', 'after', () => `query($c: String) { partnerLeads(after: $c) { edges { cursor } } }`],
  ['atRiskMembers', 'after', () => `query($c: String) { atRiskMembers(after: $c) { edges { cursor } } }`],
  ['companyEngagement', 'after', () => `query($c: String) { companyEngagement(${window}, after: $c) { edges { cursor } } }`],
  ['contentReach', 'after', () => `query($c: String) { contentReach(${window}, after: $c) { edges { cursor } } }`],
  [
    'sessionChatMessages',
    'before',
    () => `query($c: String) { sessionChatMessages(sessionId: "${ids.session}", before: $c) { edges { cursor } } }`,
  ],
  [
    'Conversation.messages',
    'before',
    () => `query($c: String) { conversation(id: "${ids.conversation}") { messages(before: $c) { edges { cursor } } } }`,
  ],
];

const forgedCursors: [string, string][] = [
  ['a timestamp that is not one', cursor(['not-a-date', UUID])],
  ['an id that is not a UUID', cursor(['2026-01-01T00:00:00.000Z', 'not-an-id'])],
  ['an id that overflows a bigint', cursor(['2026-01-01T00:00:00.000Z', Number('123456789012345678901234567890')])],
  ['a timestamp out of range', cursor(['+275760-09-13T00:00:00.001Z', UUID])],
  ['a timestamp JavaScript takes and PostgreSQL does not', cursor(['-271821-04-20T00:00:00.000Z', UUID])],
  ['a timestamp in year 0000, which PostgreSQL does not have', cursor(['0000-01-01T00:00:00.000Z', UUID])],
  ['a negative offset', cursor([-1])],
  ['a NaN offset', cursor(['NaN'])],
  ['an offset that overflows a bigint', cursor([1e30])],
  ['a fractional offset', cursor([1.5])],
  ['too few parts', cursor(['2026-01-01T00:00:00.000Z'])],
  ['too many parts', cursor(['2026-01-01T00:00:00.000Z', UUID, 'x'])],
  ['an object', cursor({ at: 1 })],
  ['not base64 JSON at all', '%%%not a cursor%%%'],
];

describe('a forged pagination cursor', () => {
  it.each(paginated)('on %s answers BAD_USER_INPUT naming the argument, never an internal error', async (_name, argument, query) => {
    for (const [what, value] of forgedCursors) {
      const result = await server.gql(query(), { c: value }, { token: adminToken });
      expect({ what, status: result.status, code: errorCode(result), fields: result.errors?.[0]?.extensions?.fields }).toEqual({
        what,
        status: 200,
        code: 'BAD_USER_INPUT',
        fields: { [argument]: expect.any(String) },
      });
    }
    expect(logs.errors()).toEqual([]);
  });
});

describe('a NUL byte in a text input', () => {
  const cases: [string, string, Record<string, unknown>, string][] = [
    [
      'logIn.email',
      `mutation($input: LogInInput!) { logIn(input: $input) { accessToken } }`,
      { input: { email: 'a\u0000@example.test', password: 'whatever-it-is' } },
      'input.email',
    ],
    [
      'updateProfile.displayName',
      `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }`,
      { input: { displayName: 'Eve\u0000' } },
      'input.displayName',
    ],
    [
      'addComment.body',
      `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`,
      { input: { contentId: UUID, body: 'hi\u0000' } },
      'input.body',
    ],
    [
      'sendMessage.body',
      `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`,
      { input: { recipientId: UUID, body: '\u0000' } },
      'input.body',
    ],
    ['feed(themeSlug)', `query($slug: String) { feed(themeSlug: $slug) { edges { cursor } } }`, { slug: 'design\u0000' }, 'slug'],
    ['members(search)', `query($search: String) { members(search: $search) { edges { cursor } } }`, { search: '\u0000' }, 'search'],
  ];

  it.each(cases)('%s answers BAD_USER_INPUT naming the input, and logs no error', async (_name, query, variables, field) => {
    const result = await server.gql(query, variables, { token: adminToken });
    expect(result.status).toBe(400);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].extensions!.fields).toEqual({ [field]: expect.stringMatching(/NUL/) });
    expect(logs.errors()).toEqual([]);
  });

  it('is refused in a literal argument and over WebSocket too', async () => {
    const literal = await server.gql(`{ feed(themeSlug: "a\\u0000b") { edges { cursor } } }`, {}, { token: memberToken });
    expect(errorCode(literal)).toBe('BAD_USER_INPUT');
    const overWs = await wsExecute(server.ws(memberToken), `query($s: String) { members(search: $s) { edges { cursor } } }`, {
      s: 'x\u0000',
    });
    expect(overWs.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(logs.errors()).toEqual([]);
  });
});

describe('half of a character (a lone surrogate) in a text input', () => {
  const add = `mutation($input: AddCommentInput!) { addComment(input: $input) { id body } }`;
  const bodies = async () => {
    const result = await server.gql<{ comments: { edges: { node: { body: string } }[] } }>(
      `query($id: ID!) { comments(contentId: $id, first: 100) { edges { node { body } } } }`,
      { id: ids.content },
      { token: memberToken },
    );
    return result.data!.comments.edges.map(({ node }) => node.body);
  };

  it('is refused naming the input, over HTTP and WebSocket, with nothing stored; a whole emoji is stored as sent', async () => {
    // A client that cut "👍" in two: PostgreSQL would have stored U+FFFD while the answer echoed the half.
    const cut = `cut short ${'\u{1F44D}'.slice(0, 1)}`;
    const refused = await server.gql(add, { input: { contentId: ids.content, body: cut } }, { token: memberToken });
    expect([refused.status, errorCode(refused)]).toEqual([400, 'BAD_USER_INPUT']);
    expect(refused.errors![0].extensions!.fields).toEqual({ 'input.body': expect.stringMatching(/valid Unicode/) });
    const overWs = await wsExecute(server.ws(memberToken), add, { input: { contentId: ids.content, body: cut } });
    expect(overWs.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect((await bodies()).filter((body) => body.startsWith('cut short'))).toEqual([]);

    const whole = `whole ${'\u{1F44D}\u{1F3FD}'}`;
    const added = await server.gql(add, { input: { contentId: ids.content, body: whole } }, { token: memberToken });
    expect(added.data!.addComment.body).toBe(whole);
    expect(await bodies()).toContain(whole);
    expect(logs.errors()).toEqual([]);
  });
});

/** Posts a raw JSON body to /graphql. */
async function post(body: unknown, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
  const response = await fetch(server.hearth.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${memberToken}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, ...((await response.json()) as object) };
}

const ADD_COMMENT = `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`;
const SEND_MESSAGE = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`;

describe('text that shows nothing, and text in emoji', () => {
  it('refuses a comment or a message of zero-width or lone combining characters as empty', async () => {
    for (const blank of ['\u200B\u200B', '\u0301\u0301', '\u200D \uFEFF']) {
      const comment = await server.gql(ADD_COMMENT, { input: { contentId: ids.content, body: blank } }, { token: memberToken });
      expect([blank, errorCode(comment), comment.errors![0].extensions!.fields]).toEqual([
        blank,
        'BAD_USER_INPUT',
        { body: 'must not be empty' },
      ]);
      const message = await server.gql(SEND_MESSAGE, { input: { recipientId: adminId, body: blank } }, { token: memberToken });
      expect([blank, errorCode(message)]).toEqual([blank, 'BAD_USER_INPUT']);
    }
  });

  it('counts a message’s length in characters, an emoji as one', async () => {
    const sent = await server.gql(SEND_MESSAGE, { input: { recipientId: adminId, body: '😀'.repeat(5000) } }, { token: memberToken });
    expect(sent.errors).toBeUndefined();
    const over = await server.gql(SEND_MESSAGE, { input: { recipientId: adminId, body: '😀'.repeat(5001) } }, { token: memberToken });
    expect(errorCode(over)).toBe('BAD_USER_INPUT');
  });
});

describe('a subscription sent over HTTP', () => {
  it('answers 400 BAD_REQUEST pointing to WebSocket, and logs no error', async () => {
    for (const body of [
      { query: `subscription { commentAdded(contentId: "${UUID}") { id } }` },
      { query: `subscription($id: ID!) { commentAdded(contentId: $id) { id } }`, variables: { id: ids.content } },
    ]) {
      const result = await post(body);
      expect([result.status, errorCode(result)]).toEqual([400, 'BAD_REQUEST']);
      expect(result.errors![0].message).toMatch(/WebSocket/);
    }
    expect(logs.errors()).toEqual([]);
  });
});

describe('documents that do not parse', () => {
  const tooManyTokens = `{ me { ${Array.from({ length: QUERY_LIMITS.maxTokens }, () => 'id').join(' ')} } }`;

  it.each([
    ['a syntax error', '{'],
    ['a document over the token limit', tooManyTokens],
  ])('%s answers 400 GRAPHQL_PARSE_FAILED over HTTP and GRAPHQL_PARSE_FAILED over WebSocket', async (_what, query) => {
    const overHttp = await post({ query });
    expect([overHttp.status, errorCode(overHttp)]).toEqual([400, 'GRAPHQL_PARSE_FAILED']);
    const overWs = await wsExecute(server.ws(memberToken), query);
    expect(overWs.errors![0].extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(logs.errors()).toEqual([]);
  });
});

describe('a variable of the wrong type', () => {
  it('is BAD_USER_INPUT over WebSocket as over HTTP, never an error without a code', async () => {
    const query = 'query($first: Int!) { feed(first: $first) { edges { cursor } } }';
    for (const first of [1.5, 2 ** 31, 'ten', null]) {
      expect(errorCode(await server.gql(query, { first }, { token: memberToken }))).toBe('BAD_USER_INPUT');
      expect((await wsExecute(server.ws(memberToken), query, { first })).errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    }
    expect(logs.errors()).toEqual([]);
  });
});

describe('null for an argument that has a default', () => {
  // A nullable variable may stand where the argument is non-null with a default (the GraphQL spec
  // allows it); an explicit null there used to fail inside execution as INTERNAL_SERVER_ERROR.
  const cases: [string, string, Record<string, unknown>, string][] = [
    ['feed(first)', 'query($first: Int) { feed(first: $first) { edges { cursor } } }', { first: null }, 'first'],
    [
      'notifications(first) in a fragment',
      'query($n: Int) { ...N } fragment N on Query { notifications(first: $n) { totalCount } }',
      { n: null },
      'n',
    ],
    [
      'recordContentView(input.source)',
      'mutation($s: ViewSource) { recordContentView(input: { contentId: "' + UUID + '", seconds: 0, source: $s }) { newView } }',
      { s: null },
      's',
    ],
    ['markNotificationsRead(all)', 'mutation($all: Boolean) { markNotificationsRead(all: $all) { unreadCount } }', { all: null }, 'all'],
  ];
  it.each(cases)('%s answers BAD_USER_INPUT naming the variable, over HTTP and WebSocket', async (_what, query, variables, name) => {
    const overHttp = await server.gql(query, variables, { token: memberToken });
    expect([overHttp.status, errorCode(overHttp), overHttp.errors![0].extensions!.fields]).toEqual([
      400,
      'BAD_USER_INPUT',
      { [name]: expect.stringMatching(/null/) },
    ]);
    expect((await wsExecute(server.ws(memberToken), query, variables)).errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(logs.errors()).toEqual([]);
  });

  it('is still fine left out, or null where null is allowed', async () => {
    const left = await server.gql('query($first: Int) { feed(first: $first) { edges { cursor } } }', {}, { token: memberToken });
    expect(left.errors).toBeUndefined();
    const allowed = await server.gql(
      'query($slug: String) { feed(themeSlug: $slug) { edges { cursor } } }',
      { slug: null },
      { token: memberToken },
    );
    expect(allowed.errors).toBeUndefined();
  });
});

describe('a date in year 0000, which PostgreSQL does not have', () => {
  it('is BAD_USER_INPUT as a DateTime or a LocalDate, as a variable or a literal, never an internal error', async () => {
    const activity =
      'query($from: DateTime!) { memberActivity(memberId: "' + UUID + '", from: $from, to: "2026-06-01T00:00:00Z") { views } }';
    const asVariable = await server.gql(activity, { from: '0000-01-01T00:00:00.000Z' }, { token: adminToken });
    expect(errorCode(asVariable)).toBe('BAD_USER_INPUT');
    const asLiteral = await server.gql(
      '{ revisitFrequency(from: "0000-01-01T00:00:00Z", to: "0000-06-01T00:00:00Z") { __typename } }',
      {},
      { token: adminToken },
    );
    expect(errorCode(asLiteral)).toBe('GRAPHQL_VALIDATION_FAILED');
    const renewal = await server.gql(
      'mutation($d: LocalDate) { setMembership(memberId: "' + UUID + '", membership: PAID, renewalDate: $d) { id } }',
      { d: '0000-01-01' },
      { token: adminToken },
    );
    expect(errorCode(renewal)).toBe('BAD_USER_INPUT');
    expect(renewal.errors![0].message).toMatch(/0001 to 9999/);
    expect(logs.errors()).toEqual([]);
  });
});

describe('an operation name that picks no single operation', () => {
  const twoOperations = 'query A { me { id } } query B { me { displayName } }';

  it.each([
    ['unknown', { query: '{ me { id } }', operationName: 'Nope' }, /Unknown operation named "Nope"/],
    ['missing among several', { query: twoOperations }, /operationName/],
    ['unknown among several', { query: twoOperations, operationName: 'C' }, /Unknown operation named "C"/],
  ])('(%s) answers 400 with a message saying so, over HTTP and WebSocket', async (_what, body, message) => {
    const overHttp = await post(body);
    expect(overHttp.status).toBe(400);
    expect(overHttp.errors![0].message).toMatch(message);
    expect(errorCode(overHttp)).toBe('OPERATION_RESOLUTION_FAILURE');
    const client = server.ws(memberToken);
    const overWs = await new Promise<GraphQLResponse>((resolve, reject) => {
      client.subscribe(
        { query: body.query, operationName: (body as { operationName?: string }).operationName },
        {
          next: () => undefined,
          error: (error) => (Array.isArray(error) ? resolve({ status: 0, errors: error }) : reject(error)),
          complete: () => reject(new Error('completed without an error')),
        },
      );
    });
    expect(overWs.errors![0].message).toMatch(message);
    expect(logs.errors()).toEqual([]);
  });
});

describe('a validly signed access token whose subject is not a member id', () => {
  const forge = (subject: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(subject)
      .setIssuer('hearth')
      .setAudience('hearth-api')
      .setIssuedAt(Math.floor(server.clock.now().getTime() / 1000))
      .setExpirationTime(Math.floor(server.clock.now().getTime() / 1000) + 600)
      .sign(new TextEncoder().encode(server.config.jwtSecret));

  it('is UNAUTHENTICATED over HTTP and refused (4403) over WebSocket', async () => {
    for (const subject of ['not-a-uuid', "1' or '1'='1", 'a\u0000b']) {
      const token = await forge(subject);
      const result = await server.gql('{ me { id } }', {}, { token });
      expect([result.status, errorCode(result)]).toEqual([200, 'UNAUTHENTICATED']);
      const closed = await new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(server.hearth.wsUrl, 'graphql-transport-ws');
        socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
        socket.on('close', (code) => resolve(code));
        socket.on('error', reject);
      });
      expect(closed).toBe(4403);
    }
    expect(logs.errors()).toEqual([]);
  });
});

describe('an oversized LiveKit webhook', () => {
  it('answers 413 naming the webhook’s real limit', async () => {
    const response = await fetch(new URL('/webhooks/livekit', server.hearth.url), { method: 'POST', body: 'x'.repeat(300 * 1024) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [{ message: 'Request body is larger than 256 KB.', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
  });
});
