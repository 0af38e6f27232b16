import { buildAdmin, buildContent } from '../factories';
import type { OwnPostgres } from './cluster';
import { hearthEnv, openDrillOrm, readyProbe, Resources, seconds, sleep, startApi, startWorkerProcess, tokenFor, until } from './hearth';
import { describeTally, SteadyLoad, tally, type Outcome } from './load';
import type { DrillResult } from './run';

const CLIENTS = 20;

/** A database of its own on the drills' cluster, with CLIENTS admins (their tokens) and a few items for the feed. */
async function arrange(cluster: OwnPostgres, resources: Resources, name: string): Promise<{ databaseUrl: string; tokens: string[] }> {
  const databaseUrl = await cluster.createDatabase(`drill_${name}_${Date.now()}`);
  const orm = await openDrillOrm(resources, databaseUrl);
  const em = orm.em.fork();
  const tokens: string[] = [];
  for (let i = 0; i < CLIENTS; i++) tokens.push(await tokenFor((await buildAdmin(em)).id));
  for (let i = 0; i < 10; i++) await buildContent(em);
  // The drill's own connections must not be there when the database dies.
  await orm.close();
  return { databaseUrl, tokens };
}

/** The API and a worker process on a database of their own, 20 clients reading and writing for 3 s before the fault. */
async function underLoad(cluster: OwnPostgres, resources: Resources, name: string) {
  const { databaseUrl, tokens } = await arrange(cluster, resources, name);
  const env = hearthEnv(resources, { DATABASE_URL: databaseUrl, RULES_EVERY: '2s' });
  const { api, origin } = await startApi(resources, env);
  const worker = await startWorkerProcess(resources, env);
  const load = new SteadyLoad(origin, tokens);
  load.start();
  await sleep(3_000);
  return { databaseUrl, api, origin, worker, load };
}

/** Acknowledged writes (created drafts) missing from the database afterwards. */
async function lostWrites(
  resources: Resources,
  databaseUrl: string,
  acknowledged: Iterable<string>,
): Promise<{ acknowledged: number; lost: number }> {
  const ids = [...acknowledged];
  const orm = await openDrillOrm(resources, databaseUrl);
  const [{ found }] = await orm.em
    .fork()
    .execute<{ found: number }[]>('select count(*)::int as found from content where id = any(?::uuid[])', [`{${ids.join(',')}}`]);
  return { acknowledged: ids.length, lost: ids.length - found };
}

/** How long after `since` each client's requests succeeded again: the slowest client. */
function recovery(outcomes: Outcome[], clients: number, since: number): number | null {
  const firstOk = new Map<number, number>();
  for (const outcome of outcomes) {
    if (outcome.startedAt >= since && outcome.code === null && !firstOk.has(outcome.client))
      firstOk.set(outcome.client, outcome.startedAt + outcome.ms);
  }
  return firstOk.size < clients ? null : Math.max(...firstOk.values()) - since;
}

/**
 * PostgreSQL killed outright (every process, SIGKILL) under 20 clients reading and writing, and
 * started again 3 s later: the API and a worker process survive, every error meanwhile is
 * SERVICE_UNAVAILABLE, every acknowledged write is there after, and both recover by themselves.
 */
export async function postgresKillDrill(cluster: OwnPostgres, resources: Resources): Promise<DrillResult> {
  const { databaseUrl, api, worker, load } = await underLoad(cluster, resources, 'pg_kill');
  await cluster.kill();
  const downFor = 3_000;
  await sleep(downFor);
  await cluster.start();
  const backAt = Date.now();
  await until('every client to succeed again', () => recovery(load.outcomes, CLIENTS, backAt) !== null, 20_000).catch(() => undefined);
  await sleep(2_000);
  await load.stop();
  const workerBack = await until(
    'a job run of the worker after the restart',
    () => worker.logs().some((line) => line.msg === 'engagement rules evaluated' && line.time > backAt),
    20_000,
  ).then(
    () => true,
    () => false,
  );
  const recovered = recovery(load.outcomes, CLIENTS, backAt);
  const t = tally(load.outcomes);
  const writes = await lostWrites(resources, databaseUrl, load.acknowledged.keys());
  const alive = api.child.exitCode === null && worker.child.exitCode === null;
  return {
    ok: alive && workerBack && t.other === 0 && writes.lost === 0 && recovered !== null && recovered <= 5_000,
    figures: `${CLIENTS} clients, down ${seconds(downFor)}: ${describeTally(t)}; writes acknowledged ${writes.acknowledged}, lost ${writes.lost}; recovery ${recovered === null ? 'never' : seconds(recovered)} (every client), worker ${workerBack ? 'ran its jobs again' : 'did NOT recover'}; API and worker ${alive ? 'up' : 'DIED'}`,
  };
}

/**
 * PostgreSQL frozen (SIGSTOP to every process) for 10 s under 20 clients: /ready answers 503
 * within 2 s, no request waits longer than its timeouts, and everything answers again after.
 */
export async function postgresFreezeDrill(cluster: OwnPostgres, resources: Resources): Promise<DrillResult> {
  const { databaseUrl, api, origin, worker, load } = await underLoad(cluster, resources, 'pg_freeze');
  const frozenAt = Date.now();
  cluster.freeze();
  const probes: Awaited<ReturnType<typeof readyProbe>>[] = [];
  const frozenFor = 10_000;
  while (Date.now() - frozenAt < frozenFor) {
    probes.push(await readyProbe(origin));
    await sleep(250);
  }
  cluster.thaw();
  const thawedAt = Date.now();
  await until('every client to succeed again', () => recovery(load.outcomes, CLIENTS, thawedAt) !== null, 30_000).catch(() => undefined);
  await sleep(1_000);
  await load.stop();
  const recovered = recovery(load.outcomes, CLIENTS, thawedAt);
  // DATABASE_ACQUIRE_TIMEOUT (5 s) + DATABASE_STATEMENT_TIMEOUT (10 s) + the client's 2 s margin, + 1 s of slack.
  const boundMs = 5_000 + 10_000 + 2_000 + 1_000;
  const during = load.outcomes.filter((o) => o.startedAt >= frozenAt && o.startedAt < thawedAt);
  const t = tally(load.outcomes);
  const duringTally = tally(during);
  const readyOk = probes.length > 0 && probes.every((probe) => probe.status === 503 && probe.ms < 2_000);
  const writes = await lostWrites(resources, databaseUrl, load.acknowledged.keys());
  const alive = api.child.exitCode === null && worker.child.exitCode === null;
  return {
    ok: alive && readyOk && t.other === 0 && t.maxMs <= boundMs && writes.lost === 0 && recovered !== null && recovered <= 5_000,
    figures:
      `frozen ${seconds(frozenFor)}: /ready ${probes.filter((p) => p.status === 503).length}/${probes.length} probes 503, slowest ${probes.length ? Math.max(...probes.map((p) => p.ms)) : 0} ms; ` +
      `requests started while frozen: ${describeTally(duringTally)}; all: ${describeTally(t)}, slowest ${seconds(t.maxMs)} (bound ${seconds(boundMs)}); ` +
      `writes lost ${writes.lost}/${writes.acknowledged}; recovery ${recovered === null ? 'never' : seconds(recovered)}; API and worker ${alive ? 'up' : 'DIED'}`,
  };
}
