import WebSocket from 'ws';
import { buildMember } from '../test/factories.ts';
import { startRedisServer, type OwnRedis } from '../test/redis-server.ts';
import { startTestServer, until, type TestServer } from '../test/server.ts';
import { createHearthClient, HearthError, UnreadNotificationCountChangedDocument } from './index.ts';

let redis: OwnRedis;
let server: TestServer;
beforeAll(async () => {
  redis = await startRedisServer();
  server = await startTestServer({ env: { REDIS_URL: redis.url } });
});
afterAll(async () => {
  await server.stop();
  await redis.kill();
});

describe('createHearthClient subscriptions through a Redis outage', () => {
  it('subscribes again by itself when the server ends the subscription with SERVICE_UNAVAILABLE, and says so with onRestart', async () => {
    const member = await buildMember(server.em());
    const token = await server.tokenFor(member.id);
    const client = createHearthClient({
      url: server.hearth.url,
      wsUrl: server.hearth.wsUrl,
      getAccessToken: () => token,
      webSocketImpl: WebSocket,
    });
    let restarts = 0;
    const counts: number[] = [];
    let failure: unknown = null;
    const subscriptions = () => server.hearth.subscriptionsStarted();
    const since = subscriptions();
    const iterator = client.subscribe(UnreadNotificationCountChangedDocument, {}, { onRestart: () => restarts++ });
    const consuming = (async () => {
      try {
        for await (const { unreadNotificationCountChanged } of iterator) counts.push(unreadNotificationCountChanged);
      } catch (error) {
        failure = error;
      }
    })();
    const publish = async (count: number) => {
      await server.hearth.subscriptionsSettled();
      server.hearth.deps.pubSub.publish('UNREAD_COUNT_CHANGED', member.id, { count });
    };

    await until('the subscription', () => subscriptions() > since);
    await publish(1);
    await until('the first count', () => counts.length === 1);

    await redis.kill();
    // While Redis is away the client keeps asking (and is refused): at least one more subscription.
    const whileDown = subscriptions();
    await until('the client to ask again while Redis is down', () => subscriptions() > whileDown, 15_000);
    expect(restarts).toBe(0);

    await redis.start();
    await until('the subscription to run again', () => restarts === 1, 30_000);
    await publish(2);
    await until('the count after the outage', () => counts.length === 2, 10_000);

    expect(counts).toEqual([1, 2]);
    expect(failure).toBeNull();
    await iterator.return!();
    await consuming;
    await client.close();
  }, 60_000);

  it('other errors still end the iterator with a HearthError', async () => {
    const client = createHearthClient({
      url: server.hearth.url,
      wsUrl: server.hearth.wsUrl,
      getAccessToken: () => null,
      webSocketImpl: WebSocket,
    });
    const iterator = client.subscribe(UnreadNotificationCountChangedDocument, {}, { onRestart: () => undefined });
    const error = await iterator.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HearthError);
    expect((error as HearthError).code).toBe('UNAUTHENTICATED');
    await client.close();
  });
});
