import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describeWithRedis } from '../test/server';
import { DEFAULT_REDIS_KEY_PREFIX } from './env';
import { createHearthPubSub, type PubSubHandle } from './pubsub';
import { MAX_PENDING_EVENTS, SubscriberOverflowError } from './push-iterator';

/**
 * The pub/sub's contract, for the in-memory and the Redis transport. Topics are routed by fresh
 * ids: test files running beside this one publish on the same Redis. `settled()` resolves once
 * Redis has the subscriptions (SUBSCRIBE is asynchronous; its own test checks it with PUBSUB NUMSUB).
 */
function behavesAsAPubSub(open: () => PubSubHandle) {
  let handle: PubSubHandle;
  beforeEach(() => {
    handle = open();
  });
  afterEach(() => handle.close());

  it('delivers every event of a topic in order, routed topics only to their id', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const mine = handle.pubSub.subscribe('UNREAD_COUNT_CHANGED', a);
    const theirs = handle.pubSub.subscribe('UNREAD_COUNT_CHANGED', b);
    await handle.settled();
    handle.pubSub.publish('UNREAD_COUNT_CHANGED', a, { count: 1 });
    handle.pubSub.publish('UNREAD_COUNT_CHANGED', a, { count: 2 });
    handle.pubSub.publish('UNREAD_COUNT_CHANGED', b, { count: 7 });
    expect((await mine.next()).value).toEqual({ count: 1 });
    expect((await mine.next()).value).toEqual({ count: 2 });
    expect((await theirs.next()).value).toEqual({ count: 7 });
    await Promise.all([mine.return!(), theirs.return!()]);
  });

  it('return() ends a pending next() and stops listening', async () => {
    const id = randomUUID();
    const events = handle.pubSub.subscribe('NOTIFICATION_ADDED', id);
    await handle.settled();
    const pending = events.next();
    await events.return!();
    expect(await pending).toEqual({ done: true, value: undefined });
    handle.pubSub.publish('NOTIFICATION_ADDED', id, { notificationId: 'n1' });
    expect(await events.next()).toEqual({ done: true, value: undefined });
  });

  it(`ends a subscriber more than ${MAX_PENDING_EVENTS} events behind with an error, without disturbing the others`, async () => {
    const id = randomUUID();
    const stalled = handle.pubSub.subscribe('NOTIFICATION_ADDED', id);
    const reading = handle.pubSub.subscribe('NOTIFICATION_ADDED', id);
    await handle.settled();
    const total = MAX_PENDING_EVENTS + 5;
    const received: string[] = [];
    const reader = (async () => {
      for await (const { notificationId } of reading) if (received.push(notificationId) === total) break;
    })();
    for (let i = 0; i < total; i++) {
      handle.pubSub.publish('NOTIFICATION_ADDED', id, { notificationId: `n${i}` });
      if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve)); // the reader keeps up
    }
    await reader;
    expect(received).toEqual(Array.from({ length: total }, (_, i) => `n${i}`));
    await expect(stalled.next()).rejects.toBeInstanceOf(SubscriberOverflowError);
    expect(await stalled.next()).toEqual({ done: true, value: undefined });
  });
}

describe('in-memory pub/sub', () => {
  behavesAsAPubSub(() => createHearthPubSub(undefined));
});

describeWithRedis('Redis pub/sub', () => {
  let observer: Redis;
  beforeAll(() => {
    observer = new Redis(process.env.REDIS_URL!);
  });
  afterAll(() => observer.quit());
  behavesAsAPubSub(() => createHearthPubSub(process.env.REDIS_URL));

  it('settled() resolves once Redis has every subscription asked for so far', async () => {
    const handle = createHearthPubSub(process.env.REDIS_URL);
    try {
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      const streams = ids.map((id) => handle.pubSub.subscribe('LIVE_SESSION_UPDATED', id));
      await handle.settled();
      const channels = ids.map((id) => `${DEFAULT_REDIS_KEY_PREFIX}:LIVE_SESSION_UPDATED:${id}`);
      const counts = (await observer.pubsub('NUMSUB', ...channels)) as (string | number)[];
      expect(counts.filter((_, i) => i % 2 === 1).map(Number)).toEqual([1, 1, 1]);
      await Promise.all(streams.map((stream) => stream.return!()));
    } finally {
      await handle.close();
    }
  });

  it('carries an event published on one instance to a subscriber of another', async () => {
    const [a, b] = [createHearthPubSub(process.env.REDIS_URL), createHearthPubSub(process.env.REDIS_URL)];
    try {
      const id = randomUUID();
      const events = b.pubSub.subscribe('LIVE_SESSION_UPDATED', id);
      await b.settled();
      a.pubSub.publish('LIVE_SESSION_UPDATED', id, { sessionId: id });
      expect(await events.next()).toEqual({ done: false, value: { sessionId: id } });
      await events.return!();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('keeps deployments that share one Redis apart: an event reaches only instances of its key prefix', async () => {
    const [ours, other] = [`p-${randomUUID()}`, `p-${randomUUID()}`];
    const [a, b, c] = [
      createHearthPubSub(process.env.REDIS_URL, { keyPrefix: ours }),
      createHearthPubSub(process.env.REDIS_URL, { keyPrefix: ours }),
      createHearthPubSub(process.env.REDIS_URL, { keyPrefix: other }),
    ];
    try {
      const id = randomUUID();
      const [sameDeployment, otherDeployment] = [b, c].map((handle) => handle.pubSub.subscribe('LIVE_SESSION_UPDATED', id));
      await Promise.all([b.settled(), c.settled()]);
      a.pubSub.publish('LIVE_SESSION_UPDATED', id, { sessionId: 'ours' });
      expect(await sameDeployment.next()).toEqual({ done: false, value: { sessionId: 'ours' } });
      // Redis hands a PUBLISH to every subscriber of its channel at once: had c been one, it would
      // have 'ours' before its own deployment's later event.
      c.pubSub.publish('LIVE_SESSION_UPDATED', id, { sessionId: 'theirs' });
      expect(await otherDeployment.next()).toEqual({ done: false, value: { sessionId: 'theirs' } });
      await Promise.all([sameDeployment.return!(), otherDeployment.return!()]);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});
