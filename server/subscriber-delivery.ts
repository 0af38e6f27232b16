import type { ExecutionResult } from 'graphql';
import type { EventExecution } from './compiled-queries';
import type { Context } from './context';
import type { EventLoaders } from './loaders';
import { SubscriberOverflowError, type PushIterator } from './push-iterator';

// How one event's results reach the subscribers of a shared source (subscriptions.ts): written
// directly and serialized once per result, and a per-viewer operation executed once per distinct
// answer of its per-viewer fields rather than once per subscriber.

/**
 * How a transport writes a result straight to one subscriber, skipping its per-message path
 * (graphql-ws' costs 10 µs per message: 40% of a 10,000-socket broadcast, P2 in test/bench).
 * ws.ts registers one per operation with `SubscriptionFanout.deliverDirectly`.
 */
export interface DirectDelivery<S = unknown> {
  /** The result as this transport's clients get it; the same for every subscriber of one server, so computed once per event. */
  serialize(result: ExecutionResult): S;
  /** Writes it; false when the subscriber cannot take it (socket closed or too far behind): the subscription then ends with an error. */
  write(serialized: S): boolean;
}

/** One subscriber: what graphql-ws iterates, and how to write to it directly when possible. */
export interface Subscriber {
  results: PushIterator<ExecutionResult>;
  direct?: DirectDelivery;
}

/** A subscriber whose operation selects a per-viewer field: its results are computed with its own viewer. */
export interface ViewerSubscriber extends Subscriber {
  ctx: Context;
  /** Its context for events (deliverPerAnswer): a copy of `ctx` made at its first event, given each event's EntityManager and loaders. */
  eventContext?: Context;
}

/** The subscribers of one operation (text and variables) that selects per-viewer fields. */
export interface ViewerOperation {
  run: EventExecution;
  /** Its per-viewer part (viewer-dependence.ts `perViewerPart`); null when it is the whole operation: then one execution per subscriber. */
  answers: EventExecution | null;
  subscribers: Set<ViewerSubscriber>;
}

/**
 * Delivers one result to subscribers: written directly when it can be, serialized once (one
 * server's subscribers share one transport); pushed to graphql-ws otherwise.
 */
export function deliver(subscribers: Iterable<Subscriber>, result: ExecutionResult): void {
  let serialized: { value: unknown } | undefined;
  for (const { direct, results } of subscribers) {
    if (!direct) results.push(result);
    else if (!direct.write((serialized ??= { value: direct.serialize(result) }).value)) results.fail(new SubscriberOverflowError());
  }
}

/**
 * Entry point 2 of the fanout (subscriptions.ts), for one operation: every subscriber's per-viewer
 * part executed with its own viewer, on the event's loaders (each per-viewer field kind loaded in
 * one statement for all of them, keyed by viewer), then the whole operation once per distinct
 * answer, with one of its subscribers as the viewer, serialized once for the group. What the
 * part leaves out must give every viewer the same answer: the classification of viewer-dependence.ts,
 * which test/subscription-sharing.test.ts checks by executing every shared field a subscription
 * reaches with no viewer at all. Unlike a broadcast, this execution has a viewer: a field wrongly
 * declared @Shareable would not fail here, it would answer for the group's first subscriber.
 */
export async function deliverPerAnswer(
  { run, answers, subscribers }: ViewerOperation,
  value: unknown,
  eventLoaders: EventLoaders,
): Promise<void> {
  const all = [...subscribers];
  // Copied once per subscriber, not per event: copying a request context's forty-odd properties
  // was most of an event's per-viewer work at 10,000 subscribers (P2 in test/bench). A subscriber's
  // events are delivered one after the other (the shared source's pump awaits each), and its
  // context is not changed once it has subscribed, so one copy serves them all.
  const contexts = all.map((subscriber): Context => {
    const context = (subscriber.eventContext ??= { ...subscriber.ctx });
    context.em = eventLoaders.em;
    context.loaders = eventLoaders.forViewerId(subscriber.ctx.viewer?.id ?? null);
    return context;
  });
  await executePerAnswer(
    all.length,
    (i) => run(value, contexts[i]),
    answers && ((i) => answers(value, contexts[i])),
    (group, result) =>
      deliver(
        group.map((i) => all[i]),
        result,
      ),
  );
}

/**
 * Executes one operation for one event for `count` subscribers (by index) once per distinct
 * answer of its per-viewer part: `answer(i)` executes subscriber i's part, `run(i)` the whole
 * operation with subscriber i's viewer, `deliver` hands a result to a group. Without `answer`
 * (nothing can be left out of the operation) or with one subscriber, each runs its own.
 */
export async function executePerAnswer(
  count: number,
  run: (i: number) => Promise<ExecutionResult>,
  answer: ((i: number) => Promise<ExecutionResult>) | null,
  deliver: (group: number[], result: ExecutionResult) => void,
): Promise<void> {
  if (!answer || count === 1) {
    await Promise.all(Array.from({ length: count }, async (_, i) => deliver([i], await run(i))));
    return;
  }
  // The first subscriber's group is executed alongside the parts, so that what the whole operation
  // loads is batched with what they load (one round of statements, as when each had its own).
  const first = run(0);
  first.catch(() => undefined); // awaited below, unless the parts fail first
  const groups = await groupByAnswer(count, answer);
  await Promise.all(groups.map(async (group) => deliver(group, await (group[0] === 0 ? first : run(group[0])))));
}

/**
 * Groups `count` subscribers (by index, in order) by the result of `answer(i)`, their per-viewer
 * part of one operation for one event: the indexes of each group, the lowest first. Results are
 * compared as JSON, as graphql-ws would send them. A result with errors is never compared: its
 * subscriber is a group of its own (its errors, and the log lines they bring, stay its own).
 */
export async function groupByAnswer(count: number, answer: (i: number) => Promise<ExecutionResult>): Promise<number[][]> {
  const results = await Promise.all(Array.from({ length: count }, (_, i) => answer(i)));
  const groups: number[][] = [];
  const byAnswer = new Map<string, number[]>();
  results.forEach((result, i) => {
    if (result.errors?.length) {
      groups.push([i]);
      return;
    }
    const key = JSON.stringify(result.data);
    const group = byAnswer.get(key);
    if (group) group.push(i);
    else {
      const created = [i];
      byAnswer.set(key, created);
      groups.push(created);
    }
  });
  return groups;
}
