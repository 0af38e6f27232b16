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
import { PushIterator, SubscriberOverflowError } from './push-iterator';

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

/** Marks a checked stream whose check does not depend on the viewer, with the name it is shared under. */
const SHARED_AS = Symbol('hearth.sharedAs');
type CheckedStream<T> = AsyncIterableIterator<T> & { [SHARED_AS]?: string };

/**
 * Per event payload (the pub/sub hands every listener of a process the same object): the shared
 * checks already started, by share name. Gone with the payload.
 */
const sharedChecks = new WeakMap<object, Map<string, Promise<unknown>>>();
/** The context a shared check loaded its value with: a shared execution of that value reuses it (and what its loaders hold). */
const checkContexts = new WeakMap<object, Context>();

/**
 * Re-checks every event for this viewer before it is delivered: `check` loads what the event is
 * about with a fresh context and returns it, or null when the viewer may not see it (then nothing
 * is sent). A check that does not depend on the viewer passes `sharedAs` (a name covering what the
 * check depends on besides the event: the subscription's arguments): the subscribers of this
 * process then share one check per event, and `subscribeShared` may serve them all from one stream.
 * A failing check is logged and skips the event; it never ends the subscription.
 */
export function deliverChecked<P, T>(
  ctx: Context,
  source: AsyncIterable<P>,
  check: (payload: P, ctx: Context) => Promise<T | null>,
  sharedAs?: string,
): AsyncIterable<T> {
  const events = source[Symbol.asyncIterator]();
  const guarded = (payload: P, eventCtx: Context): Promise<T | null> =>
    check(payload, eventCtx).catch((err: unknown) => {
      ctx.logger.error({ err, payload }, 'subscription re-check failed');
      return null;
    });
  const checked = (payload: P): Promise<T | null> => {
    if (sharedAs === undefined || typeof payload !== 'object' || payload === null) return guarded(payload, contextForEvent(ctx));
    let started = sharedChecks.get(payload);
    if (!started) sharedChecks.set(payload, (started = new Map()));
    let result = started.get(sharedAs) as Promise<T | null> | undefined;
    if (!result) {
      const eventCtx = contextForEvent(ctx);
      result = guarded(payload, eventCtx).then((value) => {
        if (typeof value === 'object' && value !== null) checkContexts.set(value, eventCtx);
        return value;
      });
      started.set(sharedAs, result);
    }
    return result;
  };
  // A thin iterator (no Repeater): per subscriber and event, every hop counts. The pub/sub's own
  // iterator ends a pending next() when the subscription is returned.
  const delivered: CheckedStream<T> = {
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
  if (sharedAs !== undefined) delivered[SHARED_AS] = sharedAs;
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

/**
 * How a transport writes a broadcast's result straight to one subscriber, skipping its per-message
 * path (graphql-ws' costs 10 µs per message: 40% of a 10,000-socket broadcast, P2 in test/bench).
 * ws.ts registers one per operation with `deliverDirectly`.
 */
export interface DirectDelivery<S = unknown> {
  /** The result as this transport's clients get it; the same for every subscriber of one server, so computed once per event. */
  serialize(result: ExecutionResult): S;
  /** Writes it; false when the subscriber cannot take it (socket closed or too far behind): the subscription then ends with an error. */
  write(serialized: S): boolean;
}
const directDeliveries = new WeakMap<object, DirectDelivery>();

/** Lets broadcasts write this operation's results directly (keyed by the operation's context value). */
export function deliverDirectly(contextValue: object, delivery: DirectDelivery<any>): void {
  directDeliveries.set(contextValue, delivery);
}

/** One subscriber of a broadcast: what graphql-ws iterates, and how to write to it directly when possible. */
interface Member {
  results: PushIterator<ExecutionResult>;
  direct?: DirectDelivery;
}

/** Subscribers of one operation on one shared stream: one source, one execution per event, delivered to each. */
interface Broadcast {
  source: AsyncIterator<unknown>;
  members: Set<Member>;
}
/** Per pub/sub (two servers in one process each have their own), by share name and operation. */
const broadcastsByPubSub = new WeakMap<object, Map<string, Broadcast>>();

/**
 * Delivers one result to every member: written directly when it can be, serialized once (a
 * broadcast lives on one server's pub/sub, so its members share one transport); pushed otherwise.
 */
function deliver(members: Set<Member>, result: ExecutionResult): void {
  let serialized: { value: unknown } | undefined;
  for (const { direct, results } of members) {
    if (!direct) results.push(result);
    else if (!direct.write((serialized ??= { value: direct.serialize(result) }).value)) results.fail(new SubscriberOverflowError());
  }
}

/** Runs the broadcast's source until it ends or its last member leaves. */
async function pump(broadcasts: Map<string, Broadcast>, key: string, broadcast: Broadcast, run: (payload: unknown) => Promise<ExecutionResult>): Promise<void> {
  const { source, members } = broadcast;
  try {
    for (let event = await source.next(); !event.done; event = await source.next()) deliver(members, await run(event.value));
    for (const member of [...members]) member.results.end();
  } catch (error) {
    for (const member of [...members]) member.results.fail(error);
  } finally {
    if (broadcasts.get(key) === broadcast) broadcasts.delete(key);
  }
}

/** Joins (or starts) the broadcast `key`; a subscriber joining a running one lets its own source go. */
function joinBroadcast(ctx: Context, key: string, stream: AsyncIterable<unknown>, run: (payload: unknown) => Promise<ExecutionResult>): AsyncIterableIterator<ExecutionResult> {
  let broadcasts = broadcastsByPubSub.get(ctx.pubSub);
  if (!broadcasts) broadcastsByPubSub.set(ctx.pubSub, (broadcasts = new Map()));
  let broadcast = broadcasts.get(key);
  if (broadcast) {
    void stream[Symbol.asyncIterator]().return?.();
  } else {
    broadcast = { source: stream[Symbol.asyncIterator](), members: new Set() };
    broadcasts.set(key, broadcast);
    void pump(broadcasts, key, broadcast, run);
  }
  const joined = broadcast;
  const registry = broadcasts;
  const member: Member = {
    direct: directDeliveries.get(ctx),
    results: new PushIterator<ExecutionResult>(() => {
      joined.members.delete(member);
      if (joined.members.size > 0) return;
      if (registry.get(key) === joined) registry.delete(key);
      void joined.source.return?.();
    }),
  };
  joined.members.add(member);
  return member.results;
}

/** Broadcasts running on this pub/sub (tests and operators' metrics). */
export function broadcastCount(pubSub: object): number {
  return broadcastsByPubSub.get(pubSub)?.size ?? 0;
}

const sharedResults = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

/**
 * graphql-ws' `subscribe`: like graphql-js', but an event's result is computed once per distinct
 * operation (document and variables) and shared by every subscriber of this process when the
 * operation selects no viewer-dependent field and the event payload is shared. When the source's
 * check is shared too (`deliverChecked` with `sharedAs`), the subscribers of the operation form
 * one broadcast: one source, one check and one execution per event, the result pushed to each
 * (no per-subscriber work before their sockets). Otherwise each subscriber executes with a fresh
 * context of its own.
 */
export async function subscribeShared(args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream as ExecutionResult;
  const ctx = args.contextValue as Context;
  const operationKey = `${print(args.document)}|${JSON.stringify(args.variableValues ?? {})}`;
  const shareable = !selectsViewerDependentField(args, operationKey);
  if (!shareable) {
    const own = (payload: unknown) => execute({ ...args, rootValue: payload, contextValue: contextForEvent(ctx) }) as Promise<ExecutionResult>;
    return mapEvents(stream as AsyncIterable<unknown>, own);
  }
  // Viewer-independent: the context the shared check loaded the value with serves its execution.
  const run = (payload: unknown) =>
    execute({ ...args, rootValue: payload, contextValue: (typeof payload === 'object' && payload !== null && checkContexts.get(payload)) || contextForEvent(ctx) }) as Promise<ExecutionResult>;
  const sharedAs = (stream as CheckedStream<unknown>)[SHARED_AS];
  if (sharedAs !== undefined) return joinBroadcast(ctx, `${sharedAs}|${operationKey}`, stream as AsyncIterable<unknown>, run);
  return mapEvents(stream as AsyncIterable<unknown>, (payload) => {
    if (typeof payload !== 'object' || payload === null) return run(payload);
    let byOperation = sharedResults.get(payload);
    if (!byOperation) sharedResults.set(payload, (byOperation = new Map()));
    let result = byOperation.get(operationKey);
    if (!result) byOperation.set(operationKey, (result = run(payload)));
    return result;
  });
}

/** A thin mapping iterator rather than another Repeater: one hop less per subscriber and event. */
function mapEvents(stream: AsyncIterable<unknown>, resultFor: (payload: unknown) => Promise<ExecutionResult>): AsyncIterableIterator<ExecutionResult> {
  const events = stream[Symbol.asyncIterator]();
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
