import { AppError, ErrorCode } from './errors';

/** Events a subscriber may have waiting; a subscriber further behind than this is ended with an error. */
export const MAX_PENDING_EVENTS = 1024;

/**
 * The error a subscription ends with when its consumer fell too far behind (MAX_PENDING_EVENTS
 * events, or a socket that stopped reading). RATE_LIMITED: the client backs off and subscribes again.
 */
export class SubscriberOverflowError extends AppError {
  constructor() {
    super(ErrorCode.RATE_LIMITED, 'This subscription fell too far behind its events and was ended; subscribe again.', {
      retryAfterSeconds: 1,
    });
  }
}

type Waiting<T> = { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void };

const FINISHED: IteratorResult<never> = { done: true, value: undefined };

/**
 * An async iterator fed by `push()`: a waiting `next()` is resolved directly, otherwise the value
 * waits in a small queue. What realtime fan-out is built on (a Repeater costs a fifth of the CPU of
 * a broadcast to 10,000 sockets: P2 in test/bench). A consumer that stops pulling is failed with
 * SubscriberOverflowError rather than buffered without bound. `onEnd` runs once, however it ends
 * (`return()` by the consumer, `end()` or `fail()` by the producer).
 */
export class PushIterator<T> implements AsyncIterableIterator<T> {
  private readonly queue: T[] = [];
  private waiting: Waiting<T> | null = null;
  private failure: unknown = null;
  private ended = false;

  constructor(private readonly onEnd: () => void = () => {}) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  push(value: T): void {
    if (this.ended) return;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = null;
      waiting.resolve({ done: false, value });
    } else if (this.queue.length < MAX_PENDING_EVENTS) {
      this.queue.push(value);
    } else {
      this.fail(new SubscriberOverflowError());
    }
  }

  /** Ends with `error`: values still queued are dropped, the consumer's next `next()` rejects. */
  fail(error: unknown): void {
    if (this.ended) return;
    this.queue.length = 0;
    this.finish();
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting) waiting.reject(error);
    else this.failure = error;
  }

  /** Ends once the values already queued are consumed. */
  end(): void {
    if (this.ended) return;
    this.finish();
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.resolve(FINISHED);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.queue.length > 0) return Promise.resolve({ done: false, value: this.queue.shift()! });
    if (this.failure !== null) {
      const error = this.failure;
      this.failure = null;
      return Promise.reject(error);
    }
    if (this.ended) return Promise.resolve(FINISHED);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.queue.length = 0;
    this.failure = null;
    this.end();
    return Promise.resolve(FINISHED);
  }

  private finish(): void {
    this.ended = true;
    this.onEnd();
  }
}
