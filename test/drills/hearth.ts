import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AccessTokens } from '../../server/access-token';
import { systemClock } from '../../server/clock';
import { openOrm, type Orm } from '../../server/db/orm';
import { apiOrigin, startProcess, type HearthProcess } from '../process';

export const DRILL_SECRET = 'drill-secret-drill-secret-drill-secret-0123';

/** What a drill started, stopped at its end whatever happens. */
export class Resources {
  private readonly cleanups: (() => Promise<unknown> | unknown)[] = [];

  add<T>(resource: T, cleanup: (resource: T) => Promise<unknown> | unknown): T {
    this.cleanups.push(() => cleanup(resource));
    return resource;
  }

  folder(prefix: string): string {
    const folder = mkdtempSync(path.join(os.tmpdir(), prefix));
    chmodSync(folder, 0o755);
    return this.add(folder, (dir) => rmSync(dir, { recursive: true, force: true }));
  }

  async release(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  }
}

export interface HearthEnv {
  DATABASE_URL: string;
  REDIS_URL?: string;
  SMTP_URL?: string;
  [name: string]: string | undefined;
}

export function hearthEnv(resources: Resources, env: HearthEnv): Record<string, string | undefined> {
  return {
    NODE_ENV: 'development',
    PORT: '0',
    JWT_SECRET: DRILL_SECRET,
    LOG_LEVEL: 'info',
    HEARTH_DATA_DIR: resources.folder('hearth-drill-data-'),
    ...env,
  };
}

/** The API as a process of its own; resolves once it listens. */
export async function startApi(
  resources: Resources,
  env: Record<string, string | undefined>,
): Promise<{ api: HearthProcess; origin: string }> {
  const api = resources.add(startProcess('dist/server/api.js', env), (started) => started.kill());
  return { api, origin: await apiOrigin(api) };
}

/** `npm run worker` without the build: the worker as a process of its own; resolves once it runs. */
export async function startWorkerProcess(resources: Resources, env: Record<string, string | undefined>): Promise<HearthProcess> {
  const worker = resources.add(startProcess('dist/server/worker.js', env), (started) => started.kill());
  await until(
    'the worker to start',
    () => worker.logs().some((line) => line.msg === 'worker started'),
    60_000,
    () => worker.output(),
  );
  return worker;
}

/** Applies the migrations (the API does it at start; data is arranged before) and returns an ORM on the database. */
export async function openDrillOrm(resources: Resources, databaseUrl: string): Promise<Orm> {
  const orm = await openOrm(databaseUrl);
  await orm.migrator.up();
  return resources.add(orm, (opened) => opened.close());
}

export const tokenFor = async (memberId: string) => (await new AccessTokens(DRILL_SECRET, systemClock).issue(memberId)).token;

export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  detail: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${detail()}`.trim());
    await sleep(25);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface GqlOutcome {
  /** HTTP status; 0 when no answer came (connection refused or reset, timeout). */
  status: number;
  /** `extensions.code` of the first error; null when it succeeded. */
  code: string | null;
  data: any;
  ms: number;
  startedAt: number;
}

/** One GraphQL request over HTTP, classified, never throwing. */
export async function gql(
  origin: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  timeoutMs = 30_000,
): Promise<GqlOutcome> {
  const startedAt = Date.now();
  try {
    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json().catch(() => null)) as { data?: any; errors?: { extensions?: { code?: string } }[] } | null;
    const code = body ? (body.errors?.[0]?.extensions?.code ?? null) : 'NO_GRAPHQL_BODY';
    return { status: response.status, code, data: body?.data ?? null, ms: Date.now() - startedAt, startedAt };
  } catch (error) {
    return {
      status: 0,
      code: (error as Error).name === 'TimeoutError' ? 'CLIENT_TIMEOUT' : 'NO_ANSWER',
      data: null,
      ms: Date.now() - startedAt,
      startedAt,
    };
  }
}

export async function readyProbe(origin: string): Promise<{ status: number; body: any; ms: number }> {
  const started = Date.now();
  try {
    const response = await fetch(`${origin}/ready`, { signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: await response.json(), ms: Date.now() - started };
  } catch {
    return { status: 0, body: null, ms: Date.now() - started };
  }
}

/** Seconds with one decimal. */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
