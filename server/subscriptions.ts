import type { EntityManager } from '@mikro-orm/postgresql';
import { createSourceEventStream, execute, print, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { eventExecution, type EventExecution } from './compiled-queries';
import { buildSharedContext, type AppDeps, type Context } from './context';
import { createLoaders, EventLoaders } from './loaders';
import { PushIterator } from './push-iterator';
import {
  deliver,
  deliverPerAnswer,
  type DirectDelivery,
  type Subscriber,
  type ViewerOperation,
  type ViewerSubscriber,
} from './subscriber-delivery';
import { perViewerPart, selectsPerViewerField } from './viewer-dependence';

/** A context for one event: the subscriber's viewer and collaborators, a fresh EntityManager and loaders. */
export function contextForEvent(ctx: Context): Context {
  const em = ctx.orm.em.fork() as EntityManager;
  return { ...ctx, em, loaders: createLoaders(ctx.modules, em, () => ctx.viewer?.id ?? null) };
}

type Check<P, T> = (payload: P, ctx: Context) => Promise<T | null>;

/** One checked event and the context it was checked with (its execution reuses what the check loaded). */
interface Checked<T> {
  value: T;
  ctx: Context;
}

/**
 * What a subscription's `subscribe` returns (made by `deliverChecked`): its topic and the check
 * every event passes before it is delivered. Iterated as it is, it is one subscriber's stream,
 * each event checked with that subscriber's viewer. With `sharedAs`, the check does not depend on
 * the viewer, and the fanout runs it once per event for every subscriber of the same name.
 */
export class CheckedSource<P = unknown, T = unknown> implements AsyncIterable<T> {
  constructor(
    readonly ctx: Context,
    readonly source: AsyncIterable<P>,
    private readonly check: Check<P, T>,
    readonly sharedAs?: string,
  ) {}

  /** The check; a failing one is logged and skips the event, it never ends the subscription. */
  checkWith(payload: P, ctx: Context): Promise<T | null> {
    return this.check(payload, ctx).catch((err: unknown) => {
      ctx.logger.error({ err, payload }, 'subscription re-check failed');
      return null;
    });
  }

  /** This subscriber's events that pass the check, each checked with a fresh context of its own viewer. */
  own(): AsyncIterableIterator<Checked<T>> {
    const events = this.source[Symbol.asyncIterator]();
    // A thin iterator (no Repeater): per subscriber and event, every hop counts. The pub/sub's own
    // iterator ends a pending next() when the subscription is returned.
    const checked: AsyncIterableIterator<Checked<T>> = {
      [Symbol.asyncIterator]: () => checked,
      next: async () => {
        for (let event = await events.next(); !event.done; event = await events.next()) {
          const ctx = contextForEvent(this.ctx);
          const value = await this.checkWith(event.value, ctx);
          if (value !== null) return { done: false, value: { value, ctx } };
        }
        return { done: true, value: undefined };
      },
      return: async () => {
        await events.return?.();
        return { done: true, value: undefined };
      },
    };
    return checked;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return mapEvents(this.own(), async ({ value }) => value);
  }
}

/**
 * Re-checks every event before it is delivered: `check` loads what the event is about with the
 * context it is given and returns it, or null when it must not be delivered (then nothing is
 * sent). Without `sharedAs` the check runs per subscriber, with its viewer. A check that does not
 * depend on the viewer passes `sharedAs`, a name covering what it depends on besides the event
 * (the subscription's arguments): it then runs once per event for all the subscribers of that name
 * on this instance, with a context that has no viewer at all.
 */
export function deliverChecked<P, T>(ctx: Context, source: AsyncIterable<P>, check: Check<P, T>, sharedAs?: string): AsyncIterable<T> {
  return new CheckedSource(ctx, source, check, sharedAs);
}

/**
 * The subscribers of one shared check on this instance: one source, one check per event, then
 * one execution per distinct viewer-independent operation and, for a per-viewer one, one per
 * distinct answer of its per-viewer part.
 */
class SharedSource {
  readonly operations = new Map<string, { run: EventExecution; subscribers: Set<Subscriber> }>();
  readonly viewers = new Map<string, ViewerOperation>();

  constructor(
    readonly events: AsyncIterator<unknown>,
    readonly checked: CheckedSource,
  ) {}

  all(): Subscriber[] {
    return [...this.viewers.values(), ...this.operations.values()].flatMap((operation) => [...operation.subscribers]);
  }
}

/** Each document's text as printed: a document the server kept (request-checks.ts operationChecker) is printed once. */
const printed = new WeakMap<DocumentNode, string>();
function printedText(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) printed.set(document, (text = print(document)));
  return text;
}

const operationKey = (args: ExecutionArgs) => `${printedText(args.document)}|${args.operationName ?? ''}`;

/**
 * graphql-ws' `subscribe` for one server, and the one place that decides what subscribers share.
 * It has two entry points for a checked event:
 *
 * - `broadcast`: an operation that selects only fields proven viewer-independent
 *   (viewer-dependence.ts) is executed once per event, with a context that has no viewer, and the
 *   result goes to all its subscribers (serialized once);
 * - `perViewer`: any other operation is executed with a subscriber's viewer, once for all the
 *   subscribers (of the same operation text and variables) whose per-viewer fields answer the same.
 *
 * A subscription whose check depends on the viewer (no `sharedAs`) is checked and executed per
 * subscriber, with its own viewer.
 */
export class SubscriptionFanout {
  private readonly shared = new Map<string, SharedSource>();
  private readonly directs = new WeakMap<object, DirectDelivery>();
  private executions = 0;

  constructor(private readonly deps: AppDeps) {}

  /**
   * How an operation's result is computed for each event: compiled by graphql-jit, once per
   * operation text (compiled-queries.ts), unless GRAPHQL_EXECUTOR=graphql-js. A per-viewer
   * operation runs per subscriber and event, and graphql-js's execution was most of that cost.
   */
  private execution(args: ExecutionArgs, key = operationKey(args), counted = true): EventExecution {
    const run: EventExecution =
      this.deps.config.graphqlExecutor === 'jit'
        ? eventExecution(args, key)
        : (rootValue, contextValue) => execute({ ...args, rootValue, contextValue }) as Promise<ExecutionResult>;
    if (!counted) return run;
    return (rootValue, contextValue) => {
      this.executions++;
      return run(rootValue, contextValue);
    };
  }

  readonly subscribe = async (args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> => {
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream as ExecutionResult;
    if (stream instanceof CheckedSource && stream.sharedAs !== undefined) return this.join(stream, args);
    return this.own(stream as AsyncIterable<unknown>, args);
  };

  /** Lets results be written directly to this operation's subscriber (keyed by the operation's context value). */
  deliverDirectly(contextValue: object, delivery: DirectDelivery<any>): void {
    this.directs.set(contextValue, delivery);
  }

  /** Shared checks running (operators' metrics; tests). */
  sharedSources(): number {
    return this.shared.size;
  }

  /** Subscription operations executed for events since start, whose results were delivered (operators' metrics; tests). */
  eventExecutions(): number {
    return this.executions;
  }

  /** Joins (or starts) the shared source of `stream.sharedAs`; a subscriber joining a running one lets its own source go. */
  private join(stream: CheckedSource, args: ExecutionArgs): AsyncIterableIterator<ExecutionResult> {
    const key = stream.sharedAs!;
    let shared = this.shared.get(key);
    if (shared) void stream.source[Symbol.asyncIterator]().return?.();
    else {
      shared = new SharedSource(stream.source[Symbol.asyncIterator](), stream);
      this.shared.set(key, shared);
      void this.pump(key, shared);
    }
    const joined = shared;
    const ctx = args.contextValue as Context;
    const direct = this.directs.get(ctx);
    const textKey = operationKey(args);
    const opKey = `${textKey}|${JSON.stringify(args.variableValues ?? {})}`;
    if (selectsPerViewerField(args.schema, args.document, textKey)) {
      let operation = joined.viewers.get(opKey);
      if (!operation) joined.viewers.set(opKey, (operation = this.viewerOperation(args, textKey)));
      const { subscribers } = operation;
      const subscriber: ViewerSubscriber = {
        ctx,
        direct,
        results: new PushIterator(() =>
          this.leave(key, joined, () => {
            subscribers.delete(subscriber);
            if (subscribers.size === 0) joined.viewers.delete(opKey);
          }),
        ),
      };
      subscribers.add(subscriber);
      return subscriber.results;
    }
    let operation = joined.operations.get(opKey);
    if (!operation) joined.operations.set(opKey, (operation = { run: this.execution(args, textKey), subscribers: new Set() }));
    const { subscribers } = operation;
    const subscriber: Subscriber = {
      direct,
      results: new PushIterator(() =>
        this.leave(key, joined, () => {
          subscribers.delete(subscriber);
          if (subscribers.size === 0) joined.operations.delete(opKey);
        }),
      ),
    };
    subscribers.add(subscriber);
    return subscriber.results;
  }

  private viewerOperation(args: ExecutionArgs, textKey: string): ViewerOperation {
    const part = perViewerPart(args.schema, args.document, args.operationName, textKey);
    // Not counted as executions: a per-viewer part is only compared, never delivered.
    const answers = part && this.execution({ ...args, document: part }, `${textKey}|per-viewer part`, false);
    return { run: this.execution(args, textKey), answers, subscribers: new Set() };
  }

  private leave(key: string, shared: SharedSource, remove: () => void): void {
    remove();
    if (shared.viewers.size > 0 || shared.operations.size > 0) return;
    if (this.shared.get(key) === shared) this.shared.delete(key);
    void shared.events.return?.();
  }

  /** Runs a shared source until it ends or its last subscriber leaves: one check per event, then both entry points. */
  private async pump(key: string, shared: SharedSource): Promise<void> {
    try {
      for (let event = await shared.events.next(); !event.done; event = await shared.events.next()) {
        const eventLoaders = new EventLoaders(this.deps.modules, this.deps.orm.em.fork() as EntityManager);
        const eventCtx = buildSharedContext(this.deps, eventLoaders);
        const value = await shared.checked.checkWith(event.value, eventCtx);
        if (value === null) continue;
        await Promise.all([this.broadcast(shared, value, eventCtx), this.perViewer(shared, value, eventLoaders)]);
      }
      for (const subscriber of shared.all()) subscriber.results.end();
    } catch (error) {
      for (const subscriber of shared.all()) subscriber.results.fail(error);
    } finally {
      if (this.shared.get(key) === shared) this.shared.delete(key);
    }
  }

  /**
   * Entry point 1, shared: each viewer-independent operation executed once for the event, with the
   * check's context (no viewer; what the check loaded is reused), the result to all its subscribers.
   */
  private async broadcast(shared: SharedSource, value: unknown, eventCtx: Context): Promise<void> {
    await Promise.all(
      [...shared.operations.values()].map(async ({ run, subscribers }) => {
        deliver(subscribers, await run(value, eventCtx));
      }),
    );
  }

  /**
   * Entry point 2, per viewer: every subscriber's per-viewer part (perViewerPart: seenByMe,
   * blockedByMe, ... and what leads to them) executed with its own viewer, all of them together on
   * the event's loaders: each per-viewer field kind is loaded in one statement for all the
   * subscribers, keyed by viewer (ViewerKeyedLoader), so the statements per event do not grow with
   * the subscribers. The subscribers whose parts answer the same get the same result of the whole
   * operation (the rest is proven the same for every viewer): it is executed once per distinct
   * answer, with one of them as the viewer, and serialized once for all of them. A part that errs
   * (an authorization refused) is never compared: that subscriber gets an execution of its own.
   */
  private async perViewer(shared: SharedSource, value: unknown, eventLoaders: EventLoaders): Promise<void> {
    await Promise.all([...shared.viewers.values()].map((operation) => deliverPerAnswer(operation, value, eventLoaders)));
  }

  /** A subscription checked (or not checked) per subscriber: executed per event with the subscriber's own viewer. */
  private own(stream: AsyncIterable<unknown>, args: ExecutionArgs): AsyncIterableIterator<ExecutionResult> {
    const ctx = args.contextValue as Context;
    const events: AsyncIterable<Checked<unknown>> =
      stream instanceof CheckedSource ? stream.own() : mapEvents(stream, async (value) => ({ value, ctx: contextForEvent(ctx) }));
    const run = this.execution(args);
    return mapEvents(events, ({ value, ctx: eventCtx }) => run(value, eventCtx));
  }
}

/** A thin mapping iterator rather than another Repeater: one hop less per subscriber and event. */
function mapEvents<A, B>(stream: AsyncIterable<A>, map: (event: A) => Promise<B>): AsyncIterableIterator<B> {
  const events = stream[Symbol.asyncIterator]();
  const mapped: AsyncIterableIterator<B> = {
    [Symbol.asyncIterator]: () => mapped,
    next: async () => {
      const event = await events.next();
      return event.done ? { done: true, value: undefined } : { done: false, value: await map(event.value) };
    },
    return: async () => {
      await events.return?.();
      return { done: true, value: undefined };
    },
  };
  return mapped;
}
