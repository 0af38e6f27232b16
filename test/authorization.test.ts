import { isObjectType } from 'graphql';
import { buildHearthSchema } from '../server/schema';
import { MATRIX, type Outcome, type Row } from './authorization/matrix';
import { CALLS, type Operation } from './authorization/operations';
import { ACTORS, buildWorld, type Actor, type Cell, type World } from './authorization/world';
import { startFakeLiveKit, type FakeLiveKit } from './fake-livekit';
import { startTestServer, subscribe, type GraphQLResponse, type TestServer } from './server';

let liveKit: FakeLiveKit;
let server: TestServer;
let world: World;
beforeAll(async () => {
  liveKit = await startFakeLiveKit();
  server = await startTestServer({ env: { LIVEKIT_API_URL: liveKit.url } });
  world = await buildWorld(server);
});
afterAll(async () => {
  await server.stop();
  await liveKit.close();
});

/** `ok`, or the first error's code (anything but the four outcomes shows up as itself and fails the row). */
const outcomeOf = (result: GraphQLResponse): string =>
  result.errors?.length ? (result.errors[0].extensions?.code ?? result.errors[0].message) : 'ok';

async function run(field: string, actor: Actor, operation: Operation): Promise<string> {
  const token = actor === 'anonymous' ? undefined : world.tokens[actor];
  if (!field.startsWith('Subscription.')) return outcomeOf(await server.gql(operation.query, operation.variables, { token }));
  const live = await subscribe(server.ws(token), operation.query, operation.variables);
  live.dispose();
  return live.received.length ? outcomeOf(live.received[0]) : 'ok';
}

/** The outcome of one cell: its call built for the actor, then run as the actor. */
async function cell(field: string, actor: Actor, scenario?: string): Promise<string> {
  const self = actor === 'anonymous' ? world.members.member : world.members[actor];
  const at: Cell = { world, actor, self };
  const { call, cases } = CALLS[field];
  const build = scenario === undefined ? call : cases?.[scenario];
  if (!build) throw new Error(`${field}: no call for the case "${scenario}" in test/authorization/operations.ts`);
  return run(field, actor, await build(at));
}

/** Cells of one row; subscriptions one at a time (the harness counts set-up subscriptions per server). */
async function observe(field: string, row: Row): Promise<Row> {
  const inTurn = field.startsWith('Subscription.');
  const all = async <T>(tasks: (() => Promise<T>)[]): Promise<T[]> => {
    if (!inTurn) return Promise.all(tasks.map((task) => task()));
    const results: T[] = [];
    for (const task of tasks) results.push(await task());
    return results;
  };
  const defaults = await all(ACTORS.map((actor) => () => cell(field, actor)));
  const observed = Object.fromEntries(ACTORS.map((actor, i) => [actor, defaults[i]])) as unknown as Row;
  for (const [scenario, expected] of Object.entries(row.cases ?? {})) {
    const actors = Object.keys(expected) as Exclude<Actor, 'anonymous'>[];
    const outcomes = await all(actors.map((actor) => () => cell(field, actor, scenario)));
    (observed.cases ??= {})[scenario] = Object.fromEntries(
      actors.map((actor, i) => [actor, outcomes[i] as Outcome]),
    ) as Row['cases'] extends Record<string, infer C> | undefined ? C : never;
  }
  return observed;
}

describe('the authorization matrix (test/authorization/matrix.ts)', () => {
  it('has a row and a call for every Query, Mutation and Subscription field, and none for a field that is gone', async () => {
    const schema = await buildHearthSchema();
    const fields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) =>
      isObjectType(type) ? Object.keys(type.getFields()).map((name) => `${type.name}.${name}`) : [],
    );
    expect(fields.filter((field) => !(field in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter((field) => !fields.includes(field))).toEqual([]);
    expect(Object.keys(MATRIX).filter((field) => !(field in CALLS))).toEqual([]);
  });

  it.each(Object.entries(MATRIX))('%s answers each actor as the matrix says', async (field, row) => {
    expect(await observe(field, row)).toEqual(row);
  });
});
