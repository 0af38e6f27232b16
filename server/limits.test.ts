import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { getIntrospectionQuery, Kind, parse } from 'graphql';
import { operationCost } from './cost';
import { buildMember } from '../test/factories';
import { startTestServer, wsExecute, type TestServer } from '../test/server';
import { parseEnv } from './env';
import { QUERY_LIMITS } from './limits';

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = await server.tokenFor((await buildMember(server.em())).id);
});
afterAll(() => server.stop());

/** `__type` is not `__schema`, so armor's introspection exemption does not apply: a real nesting. */
const deepQuery = (levels: number) => `{ __type(name: "Query") { ${'fields { type { '.repeat(levels)}name${' } }'.repeat(levels)} } }`;
const aliasQuery = (count: number) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
const tokenQuery = (count: number) => `{ me { ${Array.from({ length: count }, () => 'id').join(' ')} } }`;

const rejections = [
  // Nesting depth 2 + 2 × levels: five levels is 12, over the limit of 10, with a cost under the cost limit.
  ['depth', deepQuery(Math.ceil(QUERY_LIMITS.maxDepth / 2)), /depth/i],
  ['aliases', aliasQuery(QUERY_LIMITS.maxAliases + 1), /aliases/i],
  ['tokens', tokenQuery(QUERY_LIMITS.maxTokens), /token/i],
] as const;

describe.each(rejections)('a query over the %s limit', (_name, query, message) => {
  it('is rejected over HTTP', async () => {
    const result = await server.gql(query, {}, { token });
    expect(result.data ?? null).toBeNull();
    expect(result.errors![0].message).toMatch(message);
    expect(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_USER_INPUT']).toContain(result.errors![0].extensions!.code);
  });

  it('is rejected over WebSocket', async () => {
    const result = await wsExecute(server.ws(token), query);
    expect(result.data ?? null).toBeNull();
    expect(result.errors![0].message).toMatch(message);
  });
});

describe('the cost limit', () => {
  // 100 conversations × 100 messages with their senders: within the alias and depth limits, over the cost.
  const costly = `{ conversations(first: 100) { edges { node { messages(first: 100) { edges { node { id body sender { id displayName } } } } } } } }`;

  it('names the cost, not a syntax error, on HTTP and WebSocket', async () => {
    for (const result of [await server.gql(costly, {}, { token }), await wsExecute(server.ws(token), costly)]) {
      expect(result.data ?? null).toBeNull();
      expect(result.errors![0].message).toMatch(new RegExp(`^Query cost limit of ${QUERY_LIMITS.maxCost} exceeded, found \\d+\\.$`));
      expect(result.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    for (const [name, query] of rejections.filter(([name]) => name !== 'tokens')) {
      expect([name, (await server.gql(query, {}, { token })).errors![0].message]).toEqual([
        name,
        expect.not.stringMatching(/Syntax Error/),
      ]);
    }
  });
});

describe('the operations the typed client and the admin console send', () => {
  it('cost less than the limit at their largest pages (page variables left out count as the maximum)', () => {
    const costs: [string, number][] = [];
    for (const folder of ['client/operations', 'admin/operations']) {
      for (const file of readdirSync(path.resolve(__dirname, '..', folder))) {
        const document = parse(readFileSync(path.resolve(__dirname, '..', folder, file), 'utf8'));
        for (const definition of document.definitions) {
          if (definition.kind === Kind.OPERATION_DEFINITION)
            costs.push([`${folder}/${file} ${definition.name?.value}`, operationCost(server.hearth.schema, document, definition, {})]);
        }
      }
    }
    expect(costs.length).toBeGreaterThan(50);
    expect(costs.filter(([, cost]) => cost > QUERY_LIMITS.maxCost)).toEqual([]);
  });
});

describe('parse errors', () => {
  it('answer 400 GRAPHQL_PARSE_FAILED, for a typo and for too many tokens alike, never a 500', async () => {
    for (const query of ['{ me { id } }}', tokenQuery(QUERY_LIMITS.maxTokens)]) {
      const result = await server.gql(query, {}, { token });
      expect([result.status, result.errors![0].extensions!.code]).toEqual([400, 'GRAPHQL_PARSE_FAILED']);
    }
  });
});

describe('queries within the limits', () => {
  it('pass on HTTP and WebSocket', async () => {
    const shallow = aliasQuery(3);
    expect((await server.gql(shallow, {}, { token })).data!.a2.id).toBeTruthy();
    expect((await wsExecute(server.ws(token), shallow)).data!.a2.id).toBeTruthy();
    expect((await server.gql(deepQuery(2), {}, { token })).errors).toBeUndefined();
  });
});

describe('request bodies', () => {
  it('answers 413 with a JSON error, not a page or a stack trace, above 1 MB', async () => {
    const response = await fetch(server.hearth.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id } }', variables: { padding: 'x'.repeat(1.1 * 1024 * 1024) } }),
    });
    expect(response.status).toBe(413);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      errors: [{ message: 'Request body is larger than 1 MB.', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
    expect(text).not.toMatch(/at .*\.js|<html/i);
  });

  it('answers 400 with a JSON error for malformed JSON', async () => {
    const response = await fetch(server.hearth.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('answers 400 for JSON that is not an object or an array, as body-parser’s strict mode does', async () => {
    for (const body of ['"{ me { id } }"', '42', 'null']) {
      const response = await fetch(server.hearth.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body,
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ errors: [{ message: 'Malformed request.', extensions: { code: 'BAD_REQUEST' } }] });
    }
  });

  it('answers the same to an operation whether its body has a declared length or comes in chunks', async () => {
    const payload = JSON.stringify({ query: '{ me { id } }' });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const sized = await fetch(server.hearth.url, { method: 'POST', headers, body: payload });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(payload.slice(0, 5)));
        controller.enqueue(new TextEncoder().encode(payload.slice(5)));
        controller.close();
      },
    });
    const chunked = await fetch(server.hearth.url, { method: 'POST', headers, body: stream, duplex: 'half' } as RequestInit);
    expect(sized.status).toBe(200);
    expect(chunked.status).toBe(200);
    const [a, b] = [await sized.json(), await chunked.json()];
    expect(a.data.me.id).toEqual(expect.any(String));
    expect(b).toEqual(a);
  });
});

describe('the cost limit', () => {
  /** Conversations × their messages: 100 × 100 pages of members is far over the cost limit. */
  const nested = (first: string) =>
    `{ conversations(first: ${first}) { edges { node { messages(first: ${first}) { edges { node { id body sender { id displayName company } } } } } } } }`;
  const withVariables = `query($a: Int) ${nested('$a')}`;
  const refusedOn = async (transport: 'http' | 'ws', query: string, variables?: Record<string, unknown>) => {
    const result =
      transport === 'http' ? await server.gql(query, variables, { token }) : await wsExecute(server.ws(token), query, variables);
    return result.errors?.[0]?.message.match(/cost/i) ? result.errors[0].extensions!.code : null;
  };

  it.each(['http', 'ws'] as const)(
    'counts `first` given as a variable as its value, and a missing one as the field’s maximum (%s)',
    async (transport) => {
      expect(await refusedOn(transport, nested('100'))).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(await refusedOn(transport, withVariables, { a: 100 })).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(await refusedOn(transport, withVariables, {})).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(await refusedOn(transport, `query($a: Int = 100) ${nested('$a')}`)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(await refusedOn(transport, withVariables, { a: 2 })).toBeNull();
      expect(await refusedOn(transport, nested('2'))).toBeNull();
    },
  );
});

describe('introspection', () => {
  const deepSchema = `{ __schema { types { ${'fields { type { '.repeat(12)}name${' } }'.repeat(12)} } } }`;
  const ofTypes = `{ __schema { types { ${'ofType { '.repeat(30)}name${' }'.repeat(30)} } } }`;
  const typenames = (count: number) => `{ ${Array.from({ length: count }, (_, i) => `t${i}: __typename`).join(' ')} }`;

  it.each(['http', 'ws'] as const)('counts depth under __schema and aliases of __typename (%s)', async (transport) => {
    const run = (query: string) => (transport === 'http' ? server.gql(query, {}, { token }) : wsExecute(server.ws(token), query));
    for (const query of [deepSchema, ofTypes]) expect((await run(query)).errors?.[0]?.message).toMatch(/depth/i);
    expect((await run(typenames(QUERY_LIMITS.maxAliases + 1))).errors?.[0]?.message).toMatch(/aliases/i);
    expect((await run(typenames(600))).errors?.[0]?.message).toMatch(/aliases/i);
    expect((await run(typenames(3))).data).toEqual({ t0: 'Query', t1: 'Query', t2: 'Query' });
  });

  it('still answers the introspection query every GraphQL tool sends', async () => {
    const result = await server.gql(getIntrospectionQuery(), {}, { token });
    expect(result.errors).toBeUndefined();
    expect(result.data!.__schema.queryType.name).toBe('Query');
  });

  it('is a setting: off answers no introspection on HTTP or WebSocket, and off is the production default', async () => {
    expect(
      parseEnv({
        NODE_ENV: 'production',
        JWT_SECRET: 'x'.repeat(32),
        DATABASE_URL: 'postgres://u@h/db',
        LIVEKIT_URL: 'wss://l',
        LIVEKIT_API_KEY: 'k',
        LIVEKIT_API_SECRET: 's',
      }).introspection,
    ).toBe(false);
    expect(parseEnv({ NODE_ENV: 'development', JWT_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgres://u@h/db' }).introspection).toBe(true);
    expect(() => parseEnv({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32), GRAPHQL_INTROSPECTION: 'sometimes' })).toThrow(
      /GRAPHQL_INTROSPECTION/,
    );
    const closed = await startTestServer({ env: { GRAPHQL_INTROSPECTION: 'false' } });
    try {
      const closedToken = await closed.tokenFor((await buildMember(closed.em())).id);
      for (const query of ['{ __schema { queryType { name } } }', '{ __type(name: "Member") { name } }']) {
        const overHttp = await closed.gql(query, {}, { token: closedToken });
        expect([overHttp.status, overHttp.errors?.[0]?.extensions?.code]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED']);
        expect((await wsExecute(closed.ws(closedToken), query)).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      }
      expect((await closed.gql('{ me { __typename } }', {}, { token: closedToken })).data).toEqual({ me: { __typename: 'Member' } });
    } finally {
      await closed.stop();
    }
  });
});
