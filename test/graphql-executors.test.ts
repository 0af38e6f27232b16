import 'reflect-metadata';
import { Field, ObjectType, Query, Resolver } from 'type-graphql';
import { AppError, ErrorCode } from '../server/errors';
import { buildMember } from './factories';
import { startTestServer, type TestServer } from './server';

/**
 * GRAPHQL_EXECUTOR=jit and GRAPHQL_EXECUTOR=graphql-js give the same answers to failing queries
 * (message, path, locations, extensions.code, data, HTTP status), and neither runs a query twice.
 * Two servers on one database; the probe fields below fail in the ways a resolver can.
 */

/** Resolver runs, across both servers (one process). */
let executions = 0;

@ObjectType()
class ExecutorProbeItem {
  @Field()
  name!: string;

  @Field(() => String)
  required!: string | null;
}

@Resolver()
class ExecutorProbeResolver {
  @Query(() => String, { nullable: true })
  probeAppError(): string {
    executions++;
    throw new AppError(ErrorCode.NOT_FOUND, 'Probe not found.');
  }

  @Query(() => String, { nullable: true })
  probeUnexpected(): string {
    executions++;
    throw new Error('a cause no client may see');
  }

  @Query(() => ExecutorProbeItem)
  probeNullInNonNull(): ExecutorProbeItem {
    executions++;
    return { name: 'one', required: null };
  }

  @Query(() => [ExecutorProbeItem], { nullable: true })
  probeListWithNull(): ExecutorProbeItem[] {
    executions++;
    return [
      { name: 'fine', required: 'yes' },
      { name: 'broken', required: null },
    ];
  }

  @Query(() => String)
  async probeAsyncRejection(): Promise<string> {
    executions++;
    await Promise.resolve();
    throw new AppError(ErrorCode.FORBIDDEN, 'Probe forbidden.');
  }
}

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

let jit: TestServer;
let graphqlJs: TestServer;
let token: string;
beforeAll(async () => {
  jit = await startTestServer({ env: { GRAPHQL_EXECUTOR: 'jit' }, extraResolvers: [ExecutorProbeResolver] });
  graphqlJs = await startTestServer({
    env: { GRAPHQL_EXECUTOR: 'graphql-js' },
    extraResolvers: [ExecutorProbeResolver],
    databaseUrl: jit.databaseUrl,
  });
  token = await jit.tokenFor((await buildMember(jit.em(), { displayName: 'Executor Tester' })).id);
});
afterAll(async () => {
  await graphqlJs.stop();
  await jit.stop();
});

type Case = [name: string, query: string, variables: Record<string, unknown>, authenticated: boolean];

const failing: Case[] = [
  ['an AppError from a resolver', '{ probeAppError }', {}, false],
  ['an unexpected error (masked)', '{ probeUnexpected }', {}, false],
  ['a null in a non-null field, bubbling up to the nullable parent', '{ probeNullInNonNull { name required } }', {}, false],
  ['a null in a non-null field of a list item', '{ probeListWithNull { name required } }', {}, false],
  ['a rejection in a non-null root field (data null)', '{ probeAsyncRejection }', {}, false],
  [
    'errors beside data, aliased, in a fragment',
    '{ a: probeAppError ...F } fragment F on Query { b: probeUnexpected probeAppError }',
    {},
    false,
  ],
  [
    'NOT_FOUND lookups beside an answer',
    `{ content(id: "${UNKNOWN}") { id } member(id: "${UNKNOWN}") { id } me { displayName } }`,
    {},
    true,
  ],
  ['an id that is not a UUID', '{ content(id: "not-a-uuid") { id } }', {}, true],
  ['an argument over its validation limit', '{ notifications(first: 1000) { totalCount } }', {}, true],
  ['an @Authorized field without a token', '{ notifications { totalCount } }', {}, false],
  ['a variable of the wrong type', 'query($first: Int) { notifications(first: $first) { totalCount } }', { first: 'many' }, true],
  ['a missing required variable', 'query($id: ID!) { content(id: $id) { id } }', {}, true],
  ['a null for a non-null variable', 'query($id: ID!) { content(id: $id) { id } }', { id: null }, true],
];

async function ask(server: TestServer, query: string, variables: Record<string, unknown>, authenticated: boolean) {
  const { status, data, errors } = await server.gql(query, variables, authenticated ? { token } : {});
  // Sibling fields resolve concurrently: compare errors whatever order they completed in.
  const sorted = errors && [...errors].sort((a, b) => JSON.stringify(a.path ?? null).localeCompare(JSON.stringify(b.path ?? null)));
  return { status, data, errors: sorted };
}

describe('GRAPHQL_EXECUTOR', () => {
  it('runs graphql-jit on one server and graphql-js on the other', () => {
    expect([jit.config.graphqlExecutor, graphqlJs.config.graphqlExecutor]).toEqual(['jit', 'graphql-js']);
  });

  it.each(failing)('answers %s the same on jit as on graphql-js', async (_name, query, variables, authenticated) => {
    const [compiled, reference] = [await ask(jit, query, variables, authenticated), await ask(graphqlJs, query, variables, authenticated)];
    expect(reference.errors?.length).toBeGreaterThan(0);
    expect(reference.errors!.every((error) => typeof error.extensions?.code === 'string')).toBe(true);
    expect(compiled).toEqual(reference);
  });

  it('gives locations and paths on execution errors under jit, as graphql-js does', async () => {
    const { errors } = await ask(jit, '{\n  probeAppError\n}', {}, false);
    expect(errors).toEqual([
      { message: 'Probe not found.', locations: [{ line: 2, column: 3 }], path: ['probeAppError'], extensions: { code: 'NOT_FOUND' } },
    ]);
  });

  it.each([
    ['{ probeAppError }', 1],
    ['{ probeUnexpected }', 1],
    ['{ probeNullInNonNull { name required } }', 1],
    ['{ probeAsyncRejection }', 1],
    ['{ a: probeAppError b: probeUnexpected }', 2],
  ])('never runs a failing query twice: %s runs its resolvers once on each executor', async (query, resolvers) => {
    for (const server of [jit, graphqlJs]) {
      const before = executions;
      const { errors } = await ask(server, query, {}, false);
      expect(errors?.length).toBeGreaterThan(0);
      expect([server.config.graphqlExecutor, executions - before]).toEqual([server.config.graphqlExecutor, resolvers]);
    }
  });
});
