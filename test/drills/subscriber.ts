import type { Client } from 'graphql-ws';

/** A resubscription not refused within this long runs again: the point where an app refetches (as client/index.ts does). */
const RUNNING_AGAIN_AFTER_MS = 1_000;

/**
 * One subscription held the way the typed client (client/index.ts) holds it: ended with
 * SERVICE_UNAVAILABLE, it is subscribed again after retryAfterSeconds (with backoff while
 * refused), and once it runs again the app would refetch. It records what it received, when it
 * was told (notices) and when it would have refetched (restarts), to account for every event.
 */
export class DrillSubscriber {
  readonly received = new Set<string>();
  readonly notices: number[] = [];
  readonly restarts: number[] = [];
  readonly otherErrors: string[] = [];
  private dispose: (() => void) | null = null;
  private stopped = false;
  private refusals = 0;
  private generation = 0;

  constructor(
    private readonly client: Client,
    private readonly query: string,
    private readonly idOf: (data: any) => string,
  ) {}

  start(): void {
    const generation = ++this.generation;
    const fail = (errors: readonly { extensions?: Record<string, unknown> }[]) => generation === this.generation && this.failed(errors);
    this.dispose = this.client.subscribe(
      { query: this.query },
      {
        next: (result) => {
          if (result.errors?.length) fail(result.errors);
          else if (result.data) this.received.add(this.idOf(result.data));
        },
        error: (error) =>
          fail(
            Array.isArray(error) ? error : [{ extensions: { code: `SOCKET: ${String((error as { code?: unknown })?.code ?? error)}` } }],
          ),
        complete: () => undefined,
      },
    );
  }

  /** Whether an event published at `at` (ms) is accounted for: received, or told of it (a notice or a refetch at or after it). */
  knowsAbout(id: string, at: number): boolean {
    return this.received.has(id) || this.notices.some((time) => time >= at) || this.restarts.some((time) => time >= at);
  }

  stop(): void {
    this.stopped = true;
    this.dispose?.();
  }

  private failed(errors: readonly { extensions?: Record<string, unknown> }[]): void {
    const code = String(errors[0]?.extensions?.code);
    if (code !== 'SERVICE_UNAVAILABLE') {
      this.otherErrors.push(code);
      return;
    }
    this.notices.push(Date.now());
    if (this.stopped) return;
    const retryAfterMs = Number(errors[0]?.extensions?.retryAfterSeconds ?? 1) * 1000;
    const delay = Math.min(5_000, retryAfterMs * 2 ** this.refusals++) * (0.75 + Math.random() / 2);
    setTimeout(() => this.resubscribe(), delay);
  }

  private resubscribe(): void {
    if (this.stopped) return;
    this.dispose?.();
    this.start();
    const generation = this.generation;
    const noticesBefore = this.notices.length;
    setTimeout(() => {
      if (this.stopped || generation !== this.generation || this.notices.length !== noticesBefore) return;
      this.refusals = 0;
      this.restarts.push(Date.now());
    }, RUNNING_AGAIN_AFTER_MS);
  }
}
