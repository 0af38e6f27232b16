import type { Logger } from 'pino';
import { DEFAULT_REDIS_KEY_PREFIX } from './env';
import { createLogger } from './logger';
import { PushIterator } from './push-iterator';
import { RedisConnections } from './redis';
import { RedisTopics } from './redis-topics';
import { throttledWarning } from './unavailable';

/**
 * Every realtime topic and its payload. Payloads are plain JSON with ids: the subscription
 * resolver re-loads and re-checks what the viewer may see before delivering. Each domain adds its
 * topics in its index.ts: `declare module '../../server/pubsub' { interface Topics { ... } }`
 * (a topic routed by id is `[id, payload]`).
 */
export interface Topics {
  [topic: string]: [] | [unknown] | [string | number, unknown];
}

type TopicArgs = { [topic: string]: [] | [unknown] | [string | number, unknown] };
type Payload<T extends TopicArgs, K extends keyof T> = T[K] extends [unknown, infer P] ? P : T[K] extends [infer P] ? P : null;
type SubscribeArgs<T extends TopicArgs, K extends keyof T> = T[K] extends [infer Id, unknown] ? [K, Id] : [K];

/** Where events travel: an in-process EventTarget, or Redis shared by every instance. */
export interface PubSubTarget {
  addEventListener(topic: string, listener: (event: CustomEvent) => void): void;
  removeEventListener(topic: string, listener: (event: CustomEvent) => void): void;
  dispatchEvent(event: CustomEvent): boolean;
  /** A broker that can be lost (Redis): why subscribing is impossible now, or null. */
  interruption?(): Error | null;
  /** ...and `callback` once if the subscriptions open now are cut (the returned function stops listening). */
  onInterrupted?(callback: (error: Error) => void): () => void;
}

export interface TypedPubSub<T extends TopicArgs> {
  /** Publishes to `topic`, or to `topic:id` for routed topics. */
  publish<K extends Extract<keyof T, string>>(topic: K, ...args: T[K]): void;
  /** Every event of `topic` (or `topic:id`) from now until `return()`. */
  subscribe<K extends Extract<keyof T, string>>(...args: SubscribeArgs<T, K>): AsyncIterableIterator<Payload<T, K>>;
}

/**
 * One listener and one PushIterator per subscriber: a waiting `next()` is resolved as the event
 * arrives. When the broker is lost the iterator fails with its error (the subscriber is told), and
 * while it is away a new one fails at once.
 */
function subscribeTopic<V>(target: PubSubTarget, topic: string): AsyncIterableIterator<V> {
  const refused = target.interruption?.();
  if (refused) {
    const failed = new PushIterator<V>();
    failed.fail(refused);
    return failed;
  }
  const watching = { stop: (): unknown => undefined };
  const events = new PushIterator<V>(() => {
    target.removeEventListener(topic, listener);
    watching.stop();
  });
  const listener = (event: CustomEvent) => events.push(event.detail as V);
  target.addEventListener(topic, listener);
  if (target.onInterrupted) watching.stop = target.onInterrupted((error) => events.fail(error));
  return events;
}

/** A typed pub/sub over `target` (in-memory when omitted). */
export function createTypedPubSub<T extends TopicArgs>(
  target: PubSubTarget = new EventTarget() as unknown as PubSubTarget,
): TypedPubSub<T> {
  return {
    publish(topic, ...args) {
      const routed = args.length === 2;
      target.dispatchEvent(
        new CustomEvent(routed ? `${topic}:${String(args[0])}` : topic, { detail: (routed ? args[1] : args[0]) ?? null }),
      );
    },
    subscribe(...args) {
      const [topic, id] = args as unknown as [string, unknown];
      return subscribeTopic(target, args.length === 2 ? `${topic}:${String(id)}` : topic);
    },
  };
}

export type HearthPubSub = TypedPubSub<Topics>;

export interface PubSubHandle {
  pubSub: HearthPubSub;
  /** Resolves once every topic subscribed so far is subscribed at the broker (Redis SUBSCRIBE is asynchronous). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface HearthPubSubOptions {
  /** The process's Redis connections (the caller closes them); a pub/sub given none opens and closes its own. */
  connections?: RedisConnections;
  logger?: Logger;
  /**
   * The deployment's namespace on Redis (REDIS_KEY_PREFIX): its channels are `<keyPrefix>:<topic>`,
   * so deployments sharing one Redis (staging beside production, parallel test servers) never
   * receive each other's events. The API and its workers must use the same one.
   */
  keyPrefix?: string;
}

/** Redis-backed when REDIS_URL is set (several API instances share events), in-memory otherwise. */
export function createHearthPubSub(redisUrl: string | undefined, options: HearthPubSubOptions = {}): PubSubHandle {
  if (!redisUrl) return { pubSub: createTypedPubSub<Topics>(), settled: async () => {}, close: async () => {} };
  const logger = options.logger ?? createLogger('silent');
  const connections = options.connections ?? new RedisConnections(redisUrl, logger);
  // A publish waits through about 40 s of reconnection attempts (ioredis backs off up to 2 s), then is given up.
  const publisher = connections.open('publish', { maxRetriesPerRequest: 20 });
  const subscriber = connections.open('subscribe', { maxRetriesPerRequest: null, autoResubscribe: false });
  const topics = new RedisTopics(
    publisher,
    subscriber,
    throttledWarning(logger, 'realtime events could not be published (Redis unavailable)'),
    `${options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX}:`,
  );
  return {
    pubSub: createTypedPubSub<Topics>(topics),
    // Redis answers a connection's commands in order: the PING's reply follows every earlier SUBSCRIBE's.
    settled: async () => {
      await subscriber.ping();
    },
    close: async () => {
      topics.close();
      if (!options.connections) await connections.close();
    },
  };
}

/**
 * Follows a topic for the life of the process (cache invalidations), through broker outages: when
 * the subscription is cut, `onGap` runs (invalidations may have been missed: drop what they would
 * have dropped) and the topic is subscribed again a second later, until it works. Returns `stop`.
 */
export function followTopic<P>(
  subscribe: () => AsyncIterator<P>,
  onEvent: (payload: P) => void,
  onGap: () => void,
  retryMs = 1_000,
): () => Promise<void> {
  let stopped = false;
  let current: AsyncIterator<P> | null = null;
  let wake: (() => void) | null = null;
  void (async () => {
    while (!stopped) {
      current = subscribe();
      try {
        for (let event = await current.next(); !event.done; event = await current.next()) onEvent(event.value);
        return;
      } catch {
        onGap();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, retryMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  })();
  return async () => {
    stopped = true;
    wake?.();
    await current?.return?.();
  };
}
