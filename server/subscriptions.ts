import type { EntityManager } from '@mikro-orm/postgresql';
import {
  createSourceEventStream,
  execute,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import type { Context } from './context';
import { createLoaders } from './loaders';

/**
 * Fields whose value depends on who asks. A subscription selecting none of them is executed once
 * per event for all its subscribers (see `subscribeShared`). Domains add their viewer-dependent fields.
 */
export const VIEWER_DEPENDENT_FIELDS = new Set(['Content.seenByMe', 'Member.email', 'Member.renewalDate', 'Member.lastVisitAt', 'Member.interests', 'LiveSession.viewerRegistration']);

/** A context for one event: the same viewer and collaborators, a fresh EntityManager and loaders. */
export function contextForEvent(ctx: Context): Context {
  const em = ctx.orm.em.fork() as EntityManager;
  return { ...ctx, em, loaders: createLoaders(em, () => ctx.viewer?.id ?? null) };
}

/** Results shared by the subscribers of one process for a moment: one event, one check, one execution. */
const EVENT_MEMO_MS = 5_000;
const eventMemo = new Map<string, { value: Promise<unknown>; until: number }>();

function memoized<T>(key: string, compute: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = eventMemo.get(key);
  if (hit && hit.until > now) return hit.value as Promise<T>;
  if (eventMemo.size > 1000) for (const [k, entry] of eventMemo) if (entry.until <= now) eventMemo.delete(k);
  const value = compute();
  eventMemo.set(key, { value, until: now + EVENT_MEMO_MS });
  return value;
}

/**
 * Re-checks every event for this viewer before it is delivered: `check` loads what the event is
 * about with a fresh context and returns it, or null when the viewer may not see it (then nothing
 * is sent). A check that does not depend on the viewer passes `sharedKey`: the subscribers of this
 * process then share one check (and one object) per event. A failing check is logged and skips
 * the event; it never ends the subscription.
 */
export function deliverChecked<P, T>(
  ctx: Context,
  source: AsyncIterable<P>,
  check: (payload: P, ctx: Context) => Promise<T | null>,
  sharedKey?: (payload: P) => string,
): AsyncIterable<T> {
  const events = source[Symbol.asyncIterator]();
  const checked = (payload: P): Promise<T | null> => {
    const run = () => check(payload, contextForEvent(ctx));
    return (sharedKey ? memoized(`check:${sharedKey(payload)}`, run) : run()).catch((err: unknown) => {
      ctx.logger.error({ err, payload }, 'subscription re-check failed');
      return null;
    });
  };
  // A thin iterator (no Repeater): per subscriber and event, every hop counts. The pub/sub's own
  // iterator ends a pending next() when the subscription is returned.
  const delivered: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => delivered,
    async next(): Promise<IteratorResult<T>> {
      for (let event = await events.next(); !event.done; event = await events.next()) {
        const value = await checked(event.value);
        if (value !== null) return { done: false, value };
      }
      return { done: true, value: undefined };
    },
    async return(): Promise<IteratorResult<T>> {
      await events.return?.();
      return { done: true, value: undefined };
    },
  };
  return delivered;
}

const viewerIndependence = new Map<string, boolean>();

function selectsViewerDependentField(args: ExecutionArgs, text: string): boolean {
  let known = viewerIndependence.get(text);
  if (known === undefined) {
    const typeInfo = new TypeInfo(args.schema);
    let dependent = false;
    visit(
      args.document,
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const parent = typeInfo.getParentType();
          if (parent && VIEWER_DEPENDENT_FIELDS.has(`${parent.name}.${node.name.value}`)) dependent = true;
        },
      }),
    );
    known = !dependent;
    if (viewerIndependence.size < 10_000) viewerIndependence.set(text, known);
  }
  return !known;
}

const sharedResults = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

/**
 * graphql-ws' `subscribe`: like graphql-js', but an event's result is computed once per distinct
 * operation (document and variables) and shared by every subscriber of this process when the
 * operation selects no viewer-dependent field and the event payload is shared (a shared check).
 * Otherwise each subscriber executes with a fresh context of its own.
 */
export async function subscribeShared(args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream as ExecutionResult;
  const ctx = args.contextValue as Context;
  const operationKey = `${print(args.document)}|${JSON.stringify(args.variableValues ?? {})}`;
  const shareable = !selectsViewerDependentField(args, operationKey);
  const run = (payload: unknown) => execute({ ...args, rootValue: payload, contextValue: contextForEvent(ctx) }) as Promise<ExecutionResult>;
  const resultFor = (payload: unknown): Promise<ExecutionResult> => {
    if (!shareable || typeof payload !== 'object' || payload === null) return run(payload);
    let byOperation = sharedResults.get(payload);
    if (!byOperation) sharedResults.set(payload, (byOperation = new Map()));
    let result = byOperation.get(operationKey);
    if (!result) byOperation.set(operationKey, (result = run(payload)));
    return result;
  };
  // A thin mapping iterator rather than another Repeater: one hop less per subscriber and event.
  const events = (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const results: AsyncIterableIterator<ExecutionResult> = {
    [Symbol.asyncIterator]: () => results,
    next: async () => {
      const event = await events.next();
      return event.done ? { done: true, value: undefined } : { done: false, value: await resultFor(event.value) };
    },
    return: async () => {
      await events.return?.();
      return { done: true, value: undefined };
    },
  };
  return results;
}
