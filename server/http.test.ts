import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { buildMember } from '../test/factories';
import { startTestServer, type TestServer } from '../test/server';

/**
 * Every form of request a client may send to /graphql, and the answer each gets: one handler
 * serves them all (server/http.ts), reading bodies as body-parser's JSON parser did.
 */

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = await server.tokenFor((await buildMember(server.em(), { displayName: 'Form Tester' })).id);
});
afterAll(() => server.stop());

const TEXT = '{ me { displayName } }';
const QUERY = JSON.stringify({ query: TEXT });
const ANSWER = { data: { me: { displayName: 'Form Tester' } } };
const JSON_TYPE = { 'content-type': 'application/json' };
const CSRF_MESSAGE = /blocked as a potential Cross-Site Request Forgery/;

async function send(init: RequestInit & { path?: string }): Promise<{ status: number; type: string | null; text: string; body: any }> {
  const url = new URL(init.path ?? '/graphql', server.hearth.url);
  const response = await fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), text, body: text ? JSON.parse(text) : undefined };
}

const post = (headers: Record<string, string>, body: BodyInit, path?: string) => send({ method: 'POST', headers, body, path });
const malformed = { errors: [{ message: 'Malformed request.', extensions: { code: 'BAD_REQUEST' } }] };
const tooLarge = { errors: [{ message: 'Request body is larger than 1 MB.', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] };

describe('POST /graphql bodies', () => {
  it.each([
    ['gzip', gzipSync(QUERY)],
    ['deflate', deflateSync(QUERY)],
    ['br', brotliCompressSync(QUERY)],
  ])('are inflated from %s', async (encoding, body) => {
    const answer = await post({ ...JSON_TYPE, 'content-encoding': encoding }, body);
    expect([answer.status, answer.body]).toEqual([200, ANSWER]);
  });

  it('are decoded from any UTF charset the content type names, in any letter case', async () => {
    const utf16 = await post({ 'content-type': 'application/json; charset=utf-16le' }, Buffer.from(QUERY, 'utf16le'));
    const upper = await post({ 'content-type': 'Application/JSON; Charset="UTF-8"' }, QUERY);
    const marked = await post(JSON_TYPE, `\uFEFF${QUERY}`);
    expect([utf16.status, utf16.body, upper.status, upper.body]).toEqual([200, ANSWER, 200, ANSWER]);
    // A byte order mark is dropped (iconv-lite's behaviour under body-parser), not a malformed body.
    expect([marked.status, marked.body]).toEqual([200, ANSWER]);
  });

  it('answer 415 with a JSON error for an encoding or a charset that cannot be read, and 400 for a corrupt compressed body', async () => {
    const compress = await post({ ...JSON_TYPE, 'content-encoding': 'compress' }, QUERY);
    const latin1 = await post({ 'content-type': 'application/json; charset=latin1' }, QUERY);
    const corrupt = await post({ ...JSON_TYPE, 'content-encoding': 'gzip' }, QUERY);
    expect([compress.status, compress.body, latin1.status, latin1.body]).toEqual([415, malformed, 415, malformed]);
    expect([corrupt.status, corrupt.body, corrupt.type]).toEqual([400, malformed, 'application/json; charset=utf-8']);
  });

  it('answer 413 above 1 MB however the body comes: declared, chunked or compressed', async () => {
    const big = JSON.stringify({ query: '{ me { id } }', variables: { padding: 'x'.repeat(1.1 * 1024 * 1024) } });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = await send({ method: 'POST', headers: JSON_TYPE, body: stream, duplex: 'half' } as RequestInit);
    const compressed = await post({ ...JSON_TYPE, 'content-encoding': 'gzip' }, gzipSync(big));
    expect([chunked.status, chunked.body, compressed.status, compressed.body]).toEqual([413, tooLarge, 413, tooLarge]);
  });

  it('of another type, or none, or empty, are left to Apollo: CSRF prevention, then "POST body missing"', async () => {
    const plain = await post({ 'content-type': 'text/plain' }, QUERY);
    const untyped = await post({}, QUERY);
    const empty = await post(JSON_TYPE, '');
    const graphqlResponse = await post({ 'content-type': 'application/graphql-response+json' }, QUERY);
    expect([plain.status, untyped.status, empty.status, graphqlResponse.status]).toEqual([400, 400, 400, 400]);
    expect(plain.body.errors[0].message).toMatch(CSRF_MESSAGE);
    expect(untyped.body.errors[0].message).toMatch(CSRF_MESSAGE);
    expect(empty.body.errors[0].message).toBe('POST body missing, invalid Content-Type, or JSON object has no keys.');
    expect(graphqlResponse.body).toEqual(empty.body);
  });
});

describe('the /graphql route', () => {
  it('takes a trailing slash, any letter case, a sub-path and a query string, as Express’s mount did', async () => {
    for (const path of ['/graphql/', '/GRAPHQL', '/graphql/x', '/graphql?a=1']) {
      const answer = await post(JSON_TYPE, QUERY, path);
      expect([path, answer.status, answer.body]).toEqual([path, 200, ANSWER]);
    }
  });

  it('answers GET queries (with a CSRF preflight header), refuses GET mutations (405) and other methods (405)', async () => {
    const path = (query: string) => `/graphql?query=${encodeURIComponent(query)}`;
    const get = await send({ method: 'GET', path: path(TEXT), headers: { 'apollo-require-preflight': 'true' } });
    const simple = await send({ method: 'GET', path: path(TEXT) });
    const mutation = await send({
      method: 'GET',
      path: path('mutation { logOut(refreshToken: "x") }'),
      headers: { 'apollo-require-preflight': 'true' },
    });
    const put = await send({ method: 'PUT', headers: JSON_TYPE, body: QUERY });
    const head = await send({ method: 'HEAD' });
    expect([get.status, get.body]).toEqual([200, ANSWER]);
    expect([simple.status, simple.body.errors[0].message]).toEqual([400, expect.stringMatching(CSRF_MESSAGE)]);
    expect([mutation.status, mutation.body.errors[0].message]).toEqual([
      405,
      'GET requests only support query operations, not mutation operations',
    ]);
    expect([put.status, put.body.errors[0].message]).toEqual([405, 'Apollo Server supports only GET/POST requests.']);
    expect([head.status, head.text]).toEqual([400, '']);
  });
});
