import type { Logger } from 'pino';

/**
 * Domain events: what happened, with ids only. A service emits one after its transaction
 * committed; notifications, pub/sub messages, cache invalidations and jobs hang off these (the
 * handlers modules register), never off half-written transactions. Each domain adds its events in
 * its index.ts: `declare module '../../server/events' { interface DomainEvents { ... } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainEvents {}

export type DomainEventName = keyof DomainEvents;
type Handler<K extends DomainEventName> = (payload: DomainEvents[K]) => Promise<void>;
type ImmediateHandler<K extends DomainEventName> = (payload: DomainEvents[K]) => void;

/**
 * In-process dispatcher. Handlers (`on`) run after the emitting request returned (so fan-out never
 * slows it down); failures are logged with the event. `idle()` waits for running handlers
 * (shutdown drains it; tests await it instead of sleeping).
 *
 * `beforeAnswer` handlers are the exception, for what the very next request relies on (a cached
 * viewer or roster dropped here and, through pub/sub, on every instance; a suspended member's
 * sockets closed): they run synchronously inside `emit`, so before the emitting service returns
 * and its request answers. They must be synchronous and short (forget a cache entry, publish a
 * topic); a failure is logged and does not fail the request, whose transaction committed.
 */
export class DomainEventBus {
  private readonly handlers = new Map<DomainEventName, Handler<any>[]>();
  private readonly immediate = new Map<DomainEventName, ImmediateHandler<any>[]>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  on<K extends DomainEventName>(name: K, handler: Handler<K>): void {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler]);
  }

  beforeAnswer<K extends DomainEventName>(name: K, handler: ImmediateHandler<K>): void {
    this.immediate.set(name, [...(this.immediate.get(name) ?? []), handler]);
  }

  emit<K extends DomainEventName>(name: K, payload: DomainEvents[K]): void {
    for (const handler of this.immediate.get(name) ?? []) {
      try {
        handler(payload);
      } catch (err) {
        this.logger.error({ err, event: name, payload }, 'domain event handler failed');
      }
    }
    for (const handler of this.handlers.get(name) ?? []) {
      const run = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => handler(payload))
        .catch((err: unknown) => this.logger.error({ err, event: name, payload }, 'domain event handler failed'))
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }
  }

  /** Events decided inside a transaction, to emit (in order) once it committed: `emit()` after the commit. */
  pending(): PendingEvents {
    return new PendingEvents(this);
  }

  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }
}

/** What a transaction will have happened once it commits; dropped unemitted if it rolls back. */
export class PendingEvents {
  private readonly events: { name: DomainEventName; payload: unknown }[] = [];

  constructor(private readonly bus: DomainEventBus) {}

  add<K extends DomainEventName>(name: K, payload: DomainEvents[K]): void {
    this.events.push({ name, payload });
  }

  /** Call after the commit. */
  emit(): void {
    for (const { name, payload } of this.events.splice(0)) this.bus.emit(name, payload as DomainEvents[typeof name]);
  }
}
