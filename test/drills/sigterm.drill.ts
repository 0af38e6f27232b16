import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { buildAdmin, buildContent } from '../factories';
import { startRedisServer } from '../redis-server';
import type { OwnPostgres } from './cluster';
import { hearthEnv, openDrillOrm, Resources, seconds, sleep, startApi, startWorkerProcess, tokenFor, until } from './hearth';
import { SteadyLoad, tally } from './load';
import type { DrillResult } from './run';
import { digestDrillSetup, duplicates, sentDigests } from './worker.drill';
import { recipientsOf } from '../smtp-sink';

const CLIENTS = 20;

/** SIGTERM to the API with Redis, under 20 clients reading and writing and 20 open subscriptions. */
async function apiUnderLoad(cluster: OwnPostgres, resources: Resources): Promise<{ ok: boolean; figures: string }> {
  const redis = resources.add(await startRedisServer(), (started) => started.kill());
  const databaseUrl = await cluster.createDatabase(`drill_sigterm_${Date.now()}`);
  const orm = await openDrillOrm(resources, databaseUrl);
  const em = orm.em.fork();
  const tokens: string[] = [];
  for (let i = 0; i < CLIENTS; i++) tokens.push(await tokenFor((await buildAdmin(em)).id));
  for (let i = 0; i < 10; i++) await buildContent(em);
  const { api, origin } = await startApi(resources, hearthEnv(resources, { DATABASE_URL: databaseUrl, REDIS_URL: redis.url }));
  const closeCodes: number[] = [];
  const sockets: Client[] = tokens.map((token) => {
    const client = createClient({
      url: `${origin.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    client.on('closed', (event) => closeCodes.push((event as { code: number }).code));
    client.subscribe(
      { query: 'subscription { contentPublished { id } }' },
      { next: () => undefined, error: () => undefined, complete: () => undefined },
    );
    return client;
  });
  resources.add(sockets, (all) => Promise.all(all.map((client) => client.dispose())));
  const load = new SteadyLoad(origin, tokens);
  load.start();
  await sleep(3_000);
  process.kill(api.pid, 'SIGTERM');
  const signalledAt = Date.now();
  const exit = await Promise.race([api.exited(), sleep(15_000).then(() => null)]);
  await load.stop();
  const inFlight = load.outcomes.filter((o) => o.startedAt < signalledAt && o.startedAt + o.ms >= signalledAt);
  const ids = [...load.acknowledged.keys()];
  const [{ found }] = await orm.em
    .fork()
    .execute<{ found: number }[]>('select count(*)::int as found from content where id = any(?::uuid[])', [`{${ids.join(',')}}`]);
  const exitMs = exit ? exit.at - signalledAt : null;
  const inFlightTally = tally(inFlight);
  const closed1001 = closeCodes.filter((code) => code === 1001).length;
  return {
    ok:
      exit?.code === 0 &&
      exitMs! < 10_000 &&
      found === ids.length &&
      inFlightTally.ok === inFlightTally.tried &&
      closed1001 === sockets.length,
    figures:
      `API: exit ${exit ? `${exit.code} after ${seconds(exitMs!)}` : 'NONE within 15 s'}; in flight at the signal ${inFlightTally.tried}, answered ${inFlightTally.ok}` +
      // What the others got (NO_ANSWER: the connection closed without a response), so a failure says which.
      (inFlightTally.ok < inFlightTally.tried
        ? ` (SERVICE_UNAVAILABLE ${inFlightTally.unavailable}, others ${inFlightTally.otherCodes.join(', ') || 'none'})`
        : '') +
      '; ' +
      `writes acknowledged ${ids.length}, lost ${ids.length - found}; sockets closed with 1001 ${closed1001}/${sockets.length}`,
  };
}

/** SIGTERM to a worker in the middle of 60 digests, then a new worker: each digest once. */
async function workerMidBatch(cluster: OwnPostgres, resources: Resources): Promise<{ ok: boolean; figures: string }> {
  const redis = resources.add(await startRedisServer(), (started) => started.kill());
  const { databaseUrl, orm, members, ruleId, sink } = await digestDrillSetup(cluster, resources, 'sigterm_worker', 60);
  const env = hearthEnv(resources, {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    SMTP_URL: sink.url,
    DIGEST_BATCH_SIZE: '15',
    RULES_EVERY: '1h',
  });
  const worker = await startWorkerProcess(resources, env);
  await until('the first digests', () => sink.messages.length >= 10, 60_000);
  process.kill(worker.pid, 'SIGTERM');
  const signalledAt = Date.now();
  const exit = await Promise.race([worker.exited(), sleep(15_000).then(() => null)]);
  const exitMs = exit ? exit.at - signalledAt : null;
  const [{ locked }] = await orm.em
    .fork()
    .execute<{ locked: number }[]>('select count(*)::int as locked from agenda_jobs where locked_at is not null');
  const beforeRestart = sink.messages.length;
  await startWorkerProcess(resources, env);
  const done = await until('all 60 digests', async () => (await sentDigests(orm, ruleId)) === members.length, 60_000).then(
    () => true,
    () => false,
  );
  const recipients = recipientsOf(sink);
  const doubled = duplicates(recipients);
  return {
    ok: exit?.code === 0 && exitMs! < 10_000 && locked === 0 && done && doubled === 0 && new Set(recipients).size === members.length,
    figures: `worker: exit ${exit ? `${exit.code} after ${seconds(exitMs!)}` : 'NONE within 15 s'}, jobs left locked ${locked}; digests ${beforeRestart} before, ${recipients.length - beforeRestart} after a restart, ${new Set(recipients).size}/${members.length} delivered, sent twice ${doubled}`,
  };
}

/** SIGTERM to the API and to the worker under load with Redis: exit 0 within 10 s, nothing lost, nothing sent twice. */
export async function sigtermDrill(cluster: OwnPostgres, resources: Resources): Promise<DrillResult> {
  const api = await apiUnderLoad(cluster, resources);
  const worker = await workerMidBatch(cluster, resources);
  return { ok: api.ok && worker.ok, figures: `${api.figures}. ${worker.figures}` };
}
