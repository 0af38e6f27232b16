import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Mailer } from './mailer';
import type { Clock } from './clock';

/**
 * `lost`: the claim was no longer ours (another worker took it over after its lease, or recorded
 * it first); nothing was sent by this call, or its outcome was not ours to record.
 * `relay_unavailable`: the SMTP relay could not be reached (a retry should not count as an attempt).
 */
export type OutboxOutcome = 'sent' | 'failed' | 'relay_unavailable' | 'lost';

export interface EmailOutboxOptions {
  mailer: Mailer;
  logger: Logger;
  /** How long a claim belongs to the worker that took it. */
  leaseMs: number;
  /** How often a sender renews its lease while the SMTP exchange lasts (default: a third of the lease, at most 5 s). */
  renewEveryMs?: number;
  /** What leases are measured with (batches check theirs before each send). */
  clock?: Clock;
}

/** Sends at once per batch: SMTP exchanges wait on the relay, not on this process. */
export const OUTBOX_CONCURRENCY = 8;

/**
 * One Message-ID per guard row, from its key: an email sent again (a claim taken over after a
 * crash between the relay's acceptance and the commit) is recognisably the same message, and
 * receivers that de-duplicate on Message-ID drop the copy.
 */
export function stableMessageId(prefix: string, ...key: string[]): string {
  const hash = createHash('sha256').update(key.join(':')).digest('hex').slice(0, 32);
  return `<${prefix}.${hash}@hearth>`;
}

/**
 * Runs `each` over `items`, OUTBOX_CONCURRENCY at a time, until done or `stop()` says so (the
 * relay is down, the worker is stopping). Returns how many items were started. Every email Hearth
 * sends leaves through sendClaimedBatch (server/email-outbox-batch.ts), which sends this way.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  each: (item: T) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) await each(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(OUTBOX_CONCURRENCY, items.length) }, worker));
  return next;
}
