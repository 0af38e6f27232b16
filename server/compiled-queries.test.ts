import {
  execute,
  GraphQLError,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
  Kind,
  type ExecutionResult,
} from 'graphql';
import type { GatewayExecutor, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { compiledQueries, eventExecution } from './compiled-queries';

let mutations = 0;
let brokenRuns = 0;
const Item = new GraphQLObjectType({
  name: 'Item',
  fields: { id: { type: new GraphQLNonNull(GraphQLID) }, title: { type: GraphQLString } },
});
/** An input whose non-null field has a default: graphql-jit 0.8's variable coercion refuses it omitted, graphql-js applies the default. */
const Window = new GraphQLInputObjectType({
  name: 'Window',
  fields: { days: { type: new GraphQLNonNull(GraphQLInt), defaultValue: 7 }, label: { type: GraphQLString, defaultValue: 'week' } },
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      item: {
        type: Item,
        args: { n: { type: new GraphQLNonNull(GraphQLInt) } },
        resolve: (_root, { n }) => ({ id: String(n), title: `Item ${n}` }),
      },
      window: { type: GraphQLString, args: { input: { type: Window } }, resolve: (_root, { input }) => `${input?.label}:${input?.days}` },
      broken: {
        type: new GraphQLNonNull(GraphQLString),
        resolve: () => {
          brokenRuns++;
          throw new GraphQLError('Nope.', { extensions: { code: 'NOT_FOUND' } });
        },
      },
    },
  }),
  mutation: new GraphQLObjectType({ name: 'Mutation', fields: { bump: { type: GraphQLInt, resolve: () => ++mutations } } }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      // The event is the root value, as the subscription fanout executes it.
      itemAdded: { type: Item, subscribe: async function* () {}, resolve: (event: { id: string; title: string }) => event },
      itemBroken: {
        type: new GraphQLNonNull(GraphQLString),
        subscribe: async function* () {},
        resolve: () => {
          throw new GraphQLError('Gone.', { extensions: { code: 'NOT_FOUND' } });
        },
      },
    },
  }),
});

async function executor(): Promise<GatewayExecutor> {
  const gateway = compiledQueries(schema);
  gateway.onSchemaLoadOrUpdate(() => undefined);
  return (await gateway.load({ apollo: {} })).executor!;
}

function request(query: string, variables: Record<string, unknown> = {}): GatewayGraphQLRequestContext {
  const document = parse(query);
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION)!;
  return {
    document,
    operation,
    operationName: null,
    request: { query, variables },
    context: {},
  } as unknown as GatewayGraphQLRequestContext;
}

const graphqlJs = (query: string, variables: Record<string, unknown> = {}) =>
  execute({ schema, document: parse(query), variableValues: variables }) as Promise<ExecutionResult>;

describe('compiled queries', () => {
  it('answer a query like graphql-js, with plain objects (which serialize fast)', async () => {
    const run = await executor();
    const query = '{ first: item(n: 1) { id title } second: item(n: 2) { id } }';
    const result = await run(request(query));
    expect(result).toEqual(JSON.parse(JSON.stringify(await graphqlJs(query))));
    expect(Object.getPrototypeOf(result.data!.first)).toBe(Object.prototype);
    // graphql-js builds null-prototype objects: what the compiled path avoids.
    expect(Object.getPrototypeOf((await graphqlJs(query)).data!.first)).toBeNull();
  });

  it('give exactly graphql-js’s errors: a resolver’s error, with its code, locations and path', async () => {
    const run = await executor();
    const query = '{ item(n: 1) { id } broken }';
    const [result, expected] = [await run(request(query)), await graphqlJs(query)];
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toBeInstanceOf(GraphQLError);
    expect(result.errors![0].toJSON()).toEqual(expected.errors![0].toJSON());
    expect(result.data).toEqual(expected.data);
  });

  it('give graphql-js’s variable errors, which Apollo answers with 400 BAD_USER_INPUT', async () => {
    const run = await executor();
    const query = 'query($n: Int!) { item(n: $n) { id } }';
    const result = await run(request(query, { n: 'one' }));
    expect(result.data).toBeUndefined();
    expect(result.errors![0].nodes![0].kind).toBe(Kind.VARIABLE_DEFINITION);
    expect(result.errors![0].message).toBe((await graphqlJs(query, { n: 'one' })).errors![0].message);
  });

  it('run a failing query once: its errors are not made by running it again on graphql-js', async () => {
    const run = await executor();
    const before = brokenRuns;
    const result = await run(request('{ item(n: 1) { id } broken }'));
    expect(result.errors![0].message).toBe('Nope.');
    expect(brokenRuns - before).toBe(1);
  });

  it('apply the defaults of an input’s non-null fields to variables as graphql-js does', async () => {
    const run = await executor();
    const query = 'query($input: Window) { window(input: $input) }';
    const result = await run(request(query, { input: {} }));
    expect(result).toEqual(JSON.parse(JSON.stringify(await graphqlJs(query, { input: {} }))));
    expect(result.data).toEqual({ window: 'week:7' });
  });

  it('run a mutation once, on graphql-js', async () => {
    const run = await executor();
    const before = mutations;
    expect((await run(request('mutation { bump }'))).data).toEqual({ bump: before + 1 });
    expect(mutations).toBe(before + 1);
  });
});

describe('event executions (the subscription fanout’s)', () => {
  const event = { id: '7', title: 'Seven' };
  const viaGraphqlJs = (query: string) => execute({ schema, document: parse(query), rootValue: event }) as Promise<ExecutionResult>;

  it('execute a subscription’s selection for an event compiled, with graphql-js’s result', async () => {
    const query = 'subscription { itemAdded { id title } }';
    const run = eventExecution({ schema, document: parse(query) }, query);
    const result = await run(event, {});
    expect(result).toEqual(JSON.parse(JSON.stringify(await viaGraphqlJs(query))));
    // Plain objects: compiled, not graphql-js (whose objects have no prototype).
    expect(Object.getPrototypeOf(result.data!.itemAdded)).toBe(Object.prototype);
    // Another parse of the same text (graphql-ws parses each subscribe message) reuses the compilation.
    expect(await eventExecution({ schema, document: parse(query) }, query)({ id: '8', title: 'Eight' }, {})).toEqual({
      data: { itemAdded: { id: '8', title: 'Eight' } },
    });
  });

  it('compile per schema: the same text on another schema runs that schema’s resolvers', async () => {
    const query = 'subscription { itemAdded { id title } }';
    const other = new GraphQLSchema({
      query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }),
      subscription: new GraphQLObjectType({
        name: 'Subscription',
        fields: { itemAdded: { type: Item, subscribe: async function* () {}, resolve: () => ({ id: 'other', title: 'Other' }) } },
      }),
    });
    await eventExecution({ schema, document: parse(query) }, query)(event, {});
    expect(await eventExecution({ schema: other, document: parse(query) }, query)(event, {})).toEqual({
      data: { itemAdded: { id: 'other', title: 'Other' } },
    });
  });

  it('give graphql-js’s errors', async () => {
    const query = 'subscription { itemBroken }';
    const result = await eventExecution({ schema, document: parse(query) }, query)(event, {});
    const expected = await viaGraphqlJs(query);
    expect(result.errors![0]).toBeInstanceOf(GraphQLError);
    expect(result.errors![0].toJSON()).toEqual(expected.errors![0].toJSON());
    expect(result.data).toEqual(expected.data);
  });
});
