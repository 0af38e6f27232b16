import { Repeater } from '@graphql-yoga/subscription';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from './context';
import { createLoaders } from './loaders';

/**
 * Gives the operation a fresh EntityManager and fresh DataLoaders. A subscription's context lives
 * as long as the socket's operation; without this, every event would be checked and resolved
 * against what was loaded when the member subscribed.
 */
export function refreshForEvent(ctx: Context): void {
  ctx.em = ctx.orm.em.fork() as EntityManager;
  ctx.loaders = createLoaders(ctx.em, () => ctx.viewer?.id ?? null);
}

/**
 * Re-checks every event for this viewer before it is delivered: `check` loads what the event is
 * about with a fresh context and returns it, or null when the viewer may not see it (then nothing
 * is sent). A failing check is logged and skips the event; it never ends the subscription.
 */
export function deliverChecked<P, T>(
  ctx: Context,
  source: AsyncIterable<P>,
  check: (payload: P, ctx: Context) => Promise<T | null>,
): AsyncIterable<T> {
  return new Repeater<T>(async (push, stop) => {
    const events = source[Symbol.asyncIterator]();
    void stop.then(() => events.return?.());
    let event: IteratorResult<P>;
    while (!(event = await events.next()).done) {
      refreshForEvent(ctx);
      const value = await check(event.value, ctx).catch((err: unknown) => {
        ctx.logger.error({ err, payload: event.value }, 'subscription re-check failed');
        return null;
      });
      if (value !== null) await push(value);
    }
    stop();
  });
}
