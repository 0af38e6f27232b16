import type { Redis } from 'ioredis';
import { ServiceUnavailableError } from './errors';
import type { PubSubTarget } from './pubsub';

type Listener = (event: CustomEvent) => void;

/** What a subscription ends with when Redis goes away: the client subscribes again and refetches what it may have missed. */
export class RealtimeInterruptedError extends ServiceUnavailableError {
  constructor() {
    super('Realtime events were interrupted (Redis is unavailable); subscribe again and refetch what you show.');
  }
}

/**
 * Topics on Redis pub/sub, shared by every instance. Events travel while both connections are up;
 * a client must never miss one without knowing, so:
 * - when the subscribing connection drops, every subscription of this process ends with
 *   RealtimeInterruptedError (SERVICE_UNAVAILABLE, retryable): what was published meanwhile is
 *   gone, and the client refetches when it subscribes again;
 * - while it is down (or could not be reached at start), new subscriptions are refused with the
 *   same error; during the first connection they wait for it;
 * - a publish made while the publishing connection reconnects waits in ioredis' queue (bounded by
 *   its retries) and goes out late rather than never; one that fails is logged, never thrown into
 *   the request that published it (the data it announces is committed either way).
 * A topic's channel is the deployment's key prefix and the topic (`hearth:CONTENT_PUBLISHED`), so
 * deployments sharing one Redis do not hear each other.
 */
export class RedisTopics implements PubSubTarget {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly interruptible = new Set<(error: Error) => void>();
  /** `starting`: the first connection is being made (subscriptions queue for it); `down`: lost or unreachable. */
  private state: 'starting' | 'up' | 'down' = 'starting';
  private closing = false;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly onPublishFailed: (err: unknown) => void,
    /** Prepended to every topic to make its channel, separator included (`hearth:`). */
    private readonly channelPrefix: string,
  ) {
    subscriber.on('message', (channel: string, message: string) => this.deliver(channel, message));
    subscriber.on('ready', () => (this.state = 'up'));
    subscriber.on('close', () => this.interrupt());
    subscriber.on('error', () => this.interrupt());
  }

  addEventListener(topic: string, listener: Listener): void {
    let listeners = this.listeners.get(topic);
    if (!listeners) {
      this.listeners.set(topic, (listeners = new Set()));
      // A SUBSCRIBE lost with the connection is answered by interrupt(), which ends its subscribers.
      this.subscriber.subscribe(this.channelPrefix + topic).catch(() => undefined);
    }
    listeners.add(listener);
  }

  removeEventListener(topic: string, listener: Listener): void {
    const listeners = this.listeners.get(topic);
    if (!listeners?.delete(listener) || listeners.size > 0) return;
    this.listeners.delete(topic);
    if (this.state !== 'down') this.subscriber.unsubscribe(this.channelPrefix + topic).catch(() => undefined);
  }

  dispatchEvent(event: CustomEvent): boolean {
    const message = event.detail === undefined || event.detail === null ? '' : JSON.stringify(event.detail);
    this.publisher.publish(this.channelPrefix + event.type, message).catch(this.onPublishFailed);
    return true;
  }

  interruption(): Error | null {
    return this.state === 'down' ? new RealtimeInterruptedError() : null;
  }

  onInterrupted(callback: (error: Error) => void): () => void {
    this.interruptible.add(callback);
    return () => this.interruptible.delete(callback);
  }

  /** Stops ending subscriptions: the connections are being closed on purpose (shutdown). */
  close(): void {
    this.closing = true;
  }

  private deliver(channel: string, message: string): void {
    // Every channel this connection subscribes to starts with the prefix.
    const topic = channel.slice(this.channelPrefix.length);
    const listeners = this.listeners.get(topic);
    if (!listeners) return;
    // One payload object for every listener of the process: shared checks key on it (subscriptions.ts).
    const event = new CustomEvent(topic, { detail: message === '' ? null : JSON.parse(message) });
    for (const listener of listeners) listener(event);
  }

  private interrupt(): void {
    if (this.closing || this.state === 'down') return;
    this.state = 'down';
    // Resubscribing is each client's move: nothing is carried over to the next connection.
    this.listeners.clear();
    const ended = [...this.interruptible];
    this.interruptible.clear();
    for (const end of ended) end(new RealtimeInterruptedError());
  }
}
