import type { Logger } from 'pino';

/**
 * Domain events: what happened, with ids only. A service emits one after its transaction
 * committed; notifications, pub/sub messages and jobs hang off these, never off half-written
 * transactions. Each domain adds its events in its index.ts:
 * `declare module '../../server/events' { interface DomainEvents { ... } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainEvents {}

export type DomainEventName = keyof DomainEvents;
type Handler<K extends DomainEventName> = (payload: DomainEvents[K]) => Promise<void>;

/**
 * In-process dispatcher: handlers run after the emitting request returned (so fan-out never
 * slows it down), failures are logged with the event. `idle()` waits for running handlers
 * (shutdown drains it; tests await it instead of sleeping).
 */
export class DomainEventBus {
  private readonly handlers = new Map<DomainEventName, Handler<any>[]>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  on<K extends DomainEventName>(name: K, handler: Handler<K>): void {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler]);
  }

  emit<K extends DomainEventName>(name: K, payload: DomainEvents[K]): void {
    for (const handler of this.handlers.get(name) ?? []) {
      const run = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => handler(payload))
        .catch((err: unknown) => this.logger.error({ err, event: name, payload }, 'domain event handler failed'))
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }
  }

  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }
}
