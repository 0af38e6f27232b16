import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { buildSchema } from 'graphql';
import type { Client } from 'graphql-ws';
import { buildWorld, commentBy, conversationBetween, meetingBetween, type World } from './authorization/world';
import { startFakeLiveKit, type FakeLiveKit } from './fake-livekit';
import { operationsOf, rootFields, type FuzzOperation } from './fuzz/operations';
import type { KnownValues } from './fuzz/values';
import { startTestServer, subscribe, wsExecute, type GraphQLResponse, type TestServer } from './server';

/**
 * Property: whatever a client sends to any operation, over HTTP or WebSocket, it gets no HTTP 5xx
 * and no INTERNAL_SERVER_ERROR. Arguments come from schema.graphql (test/fuzz/): random and edge
 * values, wrong types, nulls, NUL characters, lone surrogates, huge numbers, forged ids and
 * cursors, long and deep lists, as variables or literals. `npm test` runs a few calls per
 * operation with a fixed seed; `FUZZ_RUNS=200 FUZZ_SEED=7 npm run fuzz` runs longer.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 3);
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);

const schema = buildSchema(readFileSync(path.resolve(__dirname, '../schema.graphql'), 'utf8'));
const ACTORS = ['anonymous', 'member', 'admin'] as const;
type FuzzActor = (typeof ACTORS)[number];

let liveKit: FakeLiveKit;
let server: TestServer;
let world: World;
let known: KnownValues;
const sockets = new Map<FuzzActor, Client>();
beforeAll(async () => {
  liveKit = await startFakeLiveKit();
  server = await startTestServer({ env: { LIVEKIT_API_URL: liveKit.url } });
  world = await buildWorld(server);
  const cell = { world, actor: 'member' as const, self: world.members.member };
  const comment = await commentBy(cell, world.members.member);
  const conversation = await conversationBetween(cell, world.members.member, world.other);
  const meeting = await meetingBetween(cell, world.other, world.members.member);
  known = {
    ids: [
      world.published.id,
      world.othersDraft.id,
      world.session.id,
      world.othersSession.id,
      world.theme.id,
      world.other.id,
      world.otherPartner.id,
      comment.id,
      conversation,
      meeting.id,
    ],
    slugs: [world.theme.slug],
  };
  for (const actor of ACTORS) sockets.set(actor, server.ws(actor === 'anonymous' ? undefined : world.tokens[actor]));
});
afterAll(async () => {
  await server.stop();
  await liveKit.close();
});

/** What went wrong with one answer, or null when it is a typed answer a client can act on. */
function problemWith(result: GraphQLResponse): string | null {
  if (result.status >= 500) return `HTTP ${result.status}`;
  const internal = result.errors?.find((error) => error.extensions?.code === 'INTERNAL_SERVER_ERROR' || !error.extensions?.code);
  return internal ? `${internal.extensions?.code ?? 'no code'}: ${internal.message}` : null;
}

async function sendOverHttp(operation: FuzzOperation, token: string | undefined): Promise<GraphQLResponse> {
  const response = await fetch(server.hearth.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: operation.query, variables: operation.variables }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  try {
    return { status: response.status, ...(JSON.parse(text) as object) };
  } catch {
    return { status: response.status >= 500 ? response.status : 599, errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
  }
}

async function sendOverWs(operation: FuzzOperation, actor: FuzzActor): Promise<GraphQLResponse> {
  const client = sockets.get(actor)!;
  if (operation.kind !== 'subscription') return wsExecute(client, operation.query, operation.variables);
  const live = await subscribe(client, operation.query, operation.variables);
  live.dispose();
  return live.received[0] ?? { status: 0 };
}

describe('fuzzing every operation with hostile arguments', () => {
  it.each(rootFields(schema).map(([root, field]) => `${root}.${field}`))(
    '%s answers no 5xx and no INTERNAL_SERVER_ERROR',
    async (name) => {
      const [root, field] = name.split('.');
      const transports = root === 'Subscription' ? fc.constant('ws' as const) : fc.constantFrom('http' as const, 'ws' as const);
      await fc.assert(
        fc.asyncProperty(
          operationsOf(schema, root, field, known),
          fc.constantFrom(...ACTORS),
          transports,
          async (operation, actor, transport) => {
            const token = actor === 'anonymous' ? undefined : world.tokens[actor];
            const result = transport === 'http' ? await sendOverHttp(operation, token) : await sendOverWs(operation, actor);
            const problem = problemWith(result);
            if (problem)
              throw new Error(
                `${problem}\n${transport} as ${actor}: ${operation.query}\nvariables: ${JSON.stringify(operation.variables).slice(0, 2_000)}`,
              );
          },
        ),
        // A bounded run in `npm test` stops at the first failure; a long one shrinks it to a small case.
        { numRuns: RUNS, seed: SEED, endOnFailure: process.env.FUZZ_RUNS === undefined },
      );
    },
    30_000 + RUNS * 2_000,
  );
});
