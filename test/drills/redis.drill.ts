import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ContentStatus } from '../../schema/content/content.entity';
import type { Member } from '../../schema/identity/member.entity';
import { buildAdmin, buildContent, buildInterests, buildMember, buildTheme, FACTORY_PASSWORD } from '../factories';
import { startRedisServer } from '../redis-server';
import type { OwnPostgres } from './cluster';
import { gql, hearthEnv, openDrillOrm, Resources, seconds, sleep, startApi, tokenFor, until, type GqlOutcome } from './hearth';
import { describeTally, tally } from './load';
import type { DrillResult } from './run';
import { DrillSubscriber } from './subscriber';

const MEMBERS = 100;
const PUBLISH = `mutation($id: ID!) { publishContent(id: $id) { id } }`;
const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { accessToken } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`;

/** Runs `work` every `everyMs` until `running()` is false, keeping each outcome with its start time. */
async function every(everyMs: number, running: () => boolean, work: (n: number) => Promise<GqlOutcome>, into: GqlOutcome[]): Promise<void> {
  for (let n = 0; running(); n++) {
    into.push(await work(n));
    await sleep(everyMs);
  }
}

/**
 * Redis killed for 10 s under 200 subscriptions (notificationAdded and contentPublished of 100
 * members on 100 sockets) while an admin publishes five items a second, members log in and send
 * messages: logins and writes keep working, no persisted notification is lost, and every client
 * either receives each event or is told (its subscription ends with SERVICE_UNAVAILABLE and it
 * refetches once subscribed again).
 */
export async function redisKillDrill(cluster: OwnPostgres, resources: Resources): Promise<DrillResult> {
  const redis = resources.add(await startRedisServer(), (started) => started.kill());
  const databaseUrl = await cluster.createDatabase(`drill_redis_${Date.now()}`);
  const orm = await openDrillOrm(resources, databaseUrl);
  const em = orm.em.fork();
  const theme = await buildTheme(em);
  const admin = await buildAdmin(em);
  const members: Member[] = [];
  for (let i = 0; i < MEMBERS; i++) members.push(await buildMember(em));
  await buildInterests(em, members, theme);
  const drafts: string[] = [];
  for (let i = 0; i < 200; i++) drafts.push((await buildContent(em, { themes: [theme], author: admin, status: ContentStatus.DRAFT })).id);

  const { api, origin } = await startApi(resources, hearthEnv(resources, { DATABASE_URL: databaseUrl, REDIS_URL: redis.url }));
  const adminToken = await tokenFor(admin.id);
  const clients: Client[] = [];
  const subscribers: DrillSubscriber[] = [];
  for (const member of members) {
    const token = await tokenFor(member.id);
    const client = createClient({
      url: `${origin.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 5,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    clients.push(client);
    subscribers.push(
      new DrillSubscriber(client, 'subscription { notificationAdded { subjectId } }', (data) => data.notificationAdded.subjectId),
    );
    subscribers.push(new DrillSubscriber(client, 'subscription { contentPublished { id } }', (data) => data.contentPublished.id));
  }
  resources.add(subscribers, (all) => all.forEach((subscriber) => subscriber.stop()));
  resources.add(clients, (all) => Promise.all(all.map((client) => client.dispose())));
  for (const subscriber of subscribers) subscriber.start();

  let nextDraft = 0;
  const publishes: { id: string; outcome: GqlOutcome }[] = [];
  const publish = async () => {
    const id = drafts[nextDraft++];
    const outcome = await gql(origin, PUBLISH, { id }, adminToken);
    publishes.push({ id, outcome });
    return outcome;
  };
  // Warm-up: every one of the 200 subscriptions has received an event before the drill counts.
  await until(
    'all 200 subscriptions to receive an event',
    async () => {
      if (subscribers.every((subscriber) => subscriber.received.size > 0)) return true;
      const refused = subscribers.flatMap((subscriber) => subscriber.otherErrors);
      if (refused.length) throw new Error(`subscriptions refused before the drill began: ${[...new Set(refused)].join(' ')}`);
      await publish();
      await sleep(1_000);
      return false;
    },
    60_000,
  );
  const countFrom = publishes.length;

  let running = true;
  const publishOutcomes: GqlOutcome[] = [];
  const logins: GqlOutcome[] = [];
  const writes: GqlOutcome[] = [];
  const traffic = Promise.all([
    every(
      200,
      () => running && nextDraft < drafts.length,
      () => publish(),
      publishOutcomes,
    ),
    every(
      100,
      () => running,
      (n) => gql(origin, LOG_IN, { input: { email: members[n % MEMBERS].email, password: FACTORY_PASSWORD } }),
      logins,
    ),
    every(
      100,
      () => running,
      async (n) =>
        gql(
          origin,
          SEND,
          { input: { recipientId: members[(n + 1) % MEMBERS].id, body: `message ${n}` } },
          await tokenFor(members[n % MEMBERS].id),
        ),
      writes,
    ),
  ]);
  await sleep(4_000);
  await redis.kill();
  const killedAt = Date.now();
  const downFor = 10_000;
  await sleep(downFor);
  await redis.start();
  const backAt = Date.now();
  const interrupted = subscribers.filter((subscriber) => subscriber.notices.some((time) => time >= killedAt));
  await until(
    'every interrupted subscription to run again',
    () => interrupted.every((subscriber) => subscriber.restarts.some((time) => time >= backAt)),
    60_000,
  ).catch(() => undefined);
  const runningAgain = interrupted.map((subscriber) => subscriber.restarts.find((time) => time >= backAt));
  await sleep(3_000);
  running = false;
  await traffic;
  await sleep(2_000);

  // Accounting: every event after the warm-up, for every subscription.
  const counted = publishes.slice(countFrom).filter((entry) => entry.outcome.code === null);
  let delivered = 0;
  let told = 0;
  let silent = 0;
  for (const { id, outcome } of counted) {
    for (const subscriber of subscribers) {
      if (subscriber.received.has(id)) delivered++;
      else if (subscriber.knowsAbout(id, outcome.startedAt)) told++;
      else silent++;
    }
  }
  const ids = publishes.filter((entry) => entry.outcome.code === null).map((entry) => entry.id);
  const [{ persisted }] = await orm.em
    .fork()
    .execute<{ persisted: number }[]>('select count(*)::int as persisted from notification where subject_id = any(?::uuid[])', [
      `{${ids.join(',')}}`,
    ]);
  const expectedNotifications = ids.length * MEMBERS;
  const during = (outcomes: GqlOutcome[]) => tally(outcomes.filter((o) => o.startedAt >= killedAt && o.startedAt < backAt));
  const [loginsDown, writesDown] = [during(logins), during(writes)];
  const otherErrors = subscribers.flatMap((subscriber) => subscriber.otherErrors);
  const resubscribedIn = runningAgain.every((time) => time !== undefined)
    ? Math.max(0, ...runningAgain.map((time) => time! - backAt))
    : null;
  const alive = api.child.exitCode === null;
  return {
    ok:
      alive &&
      silent === 0 &&
      persisted === expectedNotifications &&
      loginsDown.ok === loginsDown.tried &&
      writesDown.ok === writesDown.tried &&
      tally(publishOutcomes).other === 0 &&
      otherErrors.length === 0 &&
      resubscribedIn !== null,
    figures:
      `200 subscriptions on 100 sockets, Redis down ${seconds(downFor)}, ${counted.length} items published: events ${counted.length * subscribers.length}, delivered ${delivered}, missed but told ${told}, missed silently ${silent}; ` +
      `notifications persisted ${persisted}/${expectedNotifications} (lost ${expectedNotifications - persisted}); during the outage logins ${describeTally(loginsDown)}, writes ${describeTally(writesDown)}; ` +
      `${interrupted.length} subscriptions ended with SERVICE_UNAVAILABLE, all running again ${resubscribedIn === null ? 'NEVER' : `${seconds(resubscribedIn)} after Redis returned`}${otherErrors.length ? `; other errors ${[...new Set(otherErrors)].join(' ')}` : ''}`,
  };
}
