import type { EntityManager } from '@mikro-orm/postgresql';
import type { GraphQLSchema } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startHearth, type Hearth, type HearthOptions } from '../server/app';
import { ManualClock } from '../server/clock';
import { parseEnv, type Config } from '../server/env';
import { buildHearthSchema } from '../server/schema';
import { createTestDatabase } from './db';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
}

export interface TestServer {
  hearth: Hearth;
  config: Config;
  clock: ManualClock;
  databaseUrl: string;
  databaseName: string;
  /** A fresh EntityManager on the server's database, for arranging data and reading results. */
  em(): EntityManager;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<T>>;
  ws(token?: string): Client;
  tokenFor(memberId: string): Promise<string>;
  stop(): Promise<void>;
}

export interface TestServerOptions extends Partial<Omit<HearthOptions, 'config' | 'databaseUrl'>> {
  env?: Record<string, string>;
  /** Use this database instead of creating one (two instances sharing a database). */
  databaseUrl?: string;
}

/**
 * The servers of one test file share a schema per directFieldResolvers setting: it holds no
 * server's state, and a file may start a server per test. A build cost 0.15 to 0.2 CPU-s in a
 * file's first server and about 0.05 in its next ones (a loop of 20 servers in one process).
 */
const schemas = new Map<boolean, Promise<GraphQLSchema>>();

function sharedSchema(directFieldResolvers: boolean): Promise<GraphQLSchema> {
  let schema = schemas.get(directFieldResolvers);
  if (!schema) schemas.set(directFieldResolvers, (schema = buildHearthSchema({ directFieldResolvers })));
  return schema;
}

/**
 * A real Hearth on a random port, on its own copy of the migrated database, with a ManualClock.
 * Redis is used when REDIS_URL is set, under the key prefix of its database.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = options.databaseUrl ? null : await createTestDatabase();
  const databaseUrl = options.databaseUrl ?? database!.url;
  const databaseName = database?.name ?? new URL(databaseUrl).pathname.slice(1);
  const config = parseEnv({
    NODE_ENV: 'test',
    PORT: '0',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL,
    // One deployment per database: instances sharing one share events; test files running beside this one do not.
    REDIS_KEY_PREFIX: `test:${databaseName}`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    VISIT_FLUSH_MS: '60000',
    ...options.env,
  });
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock();
  const schema = options.schema ?? (options.extraResolvers ? undefined : await sharedSchema(config.directFieldResolvers));
  const hearth = await startHearth({ ...options, config, databaseUrl, clock, schema });
  const sockets: Client[] = [];
  return {
    hearth,
    config,
    clock,
    databaseUrl,
    databaseName,
    em: () => hearth.deps.orm.em.fork() as EntityManager,
    async gql(query, variables, { token, headers = {} } = {}) {
      const response = await fetch(hearth.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    ws(token) {
      const client = createClient({
        url: hearth.wsUrl,
        webSocketImpl: WebSocket,
        lazy: true,
        retryAttempts: 0,
        connectionParams: token ? { authorization: `Bearer ${token}` } : undefined,
      });
      sockets.push(client);
      serverOfClient.set(client, hearth);
      return client;
    },
    tokenFor: async (memberId) => (await hearth.deps.accessTokens.issue(memberId)).token,
    async stop() {
      await Promise.all(sockets.map((socket) => socket.dispose()));
      await hearth.stop();
      await database?.drop();
    },
  };
}

/** Two API instances of one deployment: one database, one clock and the shared Redis (REDIS_URL). */
export async function startTwoInstances(): Promise<{ a: TestServer; b: TestServer }> {
  const a = await startTestServer();
  return { a, b: await startTestServer({ databaseUrl: a.databaseUrl, clock: a.clock }) };
}

/** Stops servers in the order given (the last one started first). */
export async function stopServers(...servers: (TestServer | undefined)[]): Promise<void> {
  for (const server of servers) await server?.stop();
}

const serverOfClient = new WeakMap<Client, Hearth>();

/**
 * Waits until `hearth` has set up `count` more subscriptions than `since` (its
 * subscriptionsStarted() read before subscribing) and the broker has them too, or until
 * `refused()` says the server answered with errors instead. graphql-ws does not acknowledge a
 * subscribe, and Redis SUBSCRIBE is asynchronous: sleeping instead fails on a busy machine.
 * Subscribe one at a time per server for the count to tell whose subscription it was.
 */
export async function subscriptionsReady(hearth: Hearth, since: number, count = 1, refused = () => false): Promise<void> {
  await until(`${count} subscription(s) set up`, () => refused() || hearth.subscriptionsStarted() >= since + count, 10_000);
  await hearth.subscriptionsSettled();
}

/** Runs one operation over a graphql-ws client and returns its single result. */
export function wsExecute<T = Record<string, any>>(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<T>> {
  return new Promise((resolve, reject) => {
    let result: GraphQLResponse<T> = { status: 0 };
    client.subscribe<T>(
      { query, variables },
      {
        next: (value) => (result = { status: 0, ...(value as object) }),
        error: (error) => (Array.isArray(error) ? resolve({ status: 0, errors: error }) : reject(error)),
        complete: () => resolve(result),
      },
    );
  });
}

/** The `extensions.code` of a response's first error (undefined when it succeeded). */
export const errorCode = (result: GraphQLResponse): string | undefined => result.errors?.[0]?.extensions?.code;

/** A describe block that needs Redis: run when REDIS_URL is set, else skipped and said so. */
export function describeWithRedis(title: string, body: () => void): void {
  if (process.env.REDIS_URL) return describe(title, body);
  console.warn(`SKIPPED: ${title} (set REDIS_URL to run it).`);
  describe.skip(title, body);
}

/**
 * The SQL statements the server's ORM runs during `work`, in order, with their parameters. Handlers
 * of earlier requests' domain events (notification fan-out after a commit) finish first: their
 * statements are not `work`'s.
 */
export async function captureStatements(
  server: TestServer,
  work: () => Promise<unknown>,
): Promise<{ sql: string; params: readonly unknown[] }[]> {
  await server.hearth.deps.events.idle();
  const config = server.hearth.deps.orm.config;
  const previous = config.get('onQuery');
  const statements: { sql: string; params: readonly unknown[] }[] = [];
  config.set('onQuery', (sql: string, params: readonly unknown[]) => {
    statements.push({ sql, params });
    return previous(sql, params);
  });
  try {
    await work();
  } finally {
    config.set('onQuery', previous);
  }
  return statements;
}

/** The SQL text of each statement the server's ORM runs during `work` (see captureStatements). */
export async function captureQueries(server: TestServer, work: () => Promise<unknown>): Promise<string[]> {
  return (await captureStatements(server, work)).map((statement) => statement.sql);
}

/** Counts the SQL statements the server sends while `work` runs (see captureQueries). */
export async function countQueries(server: TestServer, work: () => Promise<unknown>): Promise<number> {
  return (await captureQueries(server, work)).length;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds; throws naming `what` after `timeoutMs`. Tests wait on conditions, never on fixed delays. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export interface LiveSubscription<T> {
  /** Every result received so far, in order. */
  received: GraphQLResponse<T>[];
  /** The next result not yet taken (waits up to `timeoutMs`). */
  next(timeoutMs?: number): Promise<GraphQLResponse<T>>;
  dispose(): void;
}

/** Starts a subscription on a client of `TestServer.ws()` and waits until the server has set it up (subscriptionsReady). */
export async function subscribe<T = Record<string, any>>(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): Promise<LiveSubscription<T>> {
  const hearth = serverOfClient.get(client);
  if (!hearth) throw new Error('subscribe() takes a client made by a TestServer’s ws()');
  const since = hearth.subscriptionsStarted();
  const received: GraphQLResponse<T>[] = [];
  let taken = 0;
  let wake: (() => void) | null = null;
  const push = (result: GraphQLResponse<T>) => {
    received.push(result);
    wake?.();
  };
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => push({ status: 0, ...(value as object) }),
      error: (error) => push({ status: 0, errors: Array.isArray(error) ? error : [{ message: String(error) }] }),
      complete: () => undefined,
    },
  );
  await subscriptionsReady(hearth, since, 1, () => received.length > 0);
  return {
    received,
    async next(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length <= taken) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no subscription result within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return received[taken++];
    },
    dispose,
  };
}
