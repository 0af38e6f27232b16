import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { isRelayUnavailable, type Mailer, type OutgoingEmail } from './mailer';
import type { Clock } from './clock';
import { LOST, whileHolding } from './renewing';

/**
 * A domain's guard rows for its emails (digest, session_reminder): one row per email that must go
 * out, keyed so that two workers claim it once. The domain claims rows its own way (its SQL knows
 * who is due); the outbox does the rest of the protocol with these three calls.
 */
export interface OutboxLedger<Claim> {
  /** Renews the claim's lease if the claim is still ours and its lease has not run out. */
  renew(claim: Claim): Promise<boolean>;
  /** The relay accepted the email: the row says sent (false: the claim was taken over meanwhile). */
  recordSent(claim: Claim): Promise<boolean>;
  /** The email did not leave: the row goes back for a later attempt (false: no longer ours). */
  recordFailure(claim: Claim, failure: { error: unknown; relayDown: boolean }): Promise<boolean>;
}

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
 * Every email Hearth sends leaves through here: under a claim on its guard row that is renewed
 * while the SMTP exchange lasts (so a relay slower than the lease does not let another worker
 * send it too), with the Message-ID the row fixed, and with its outcome recorded only while the
 * claim is still ours. Delivery is at least once with one documented resend window (README,
 * "Emails"): a worker that dies after the relay accepted an email and before its row says so
 * leaves a claim that runs out, and the email is sent again, with the same Message-ID.
 */
export class EmailOutbox {
  constructor(private readonly options: EmailOutboxOptions) {}

  /** Composes and sends one claimed email. `label` names it in logs; `context` adds ids. */
  async send<Claim>(
    claim: Claim,
    ledger: OutboxLedger<Claim>,
    compose: () => Promise<OutgoingEmail>,
    label: string,
    context: object,
  ): Promise<OutboxOutcome> {
    const { mailer, logger, leaseMs, renewEveryMs } = this.options;
    try {
      const email = await compose();
      const hold = {
        renew: () => ledger.renew(claim),
        leaseMs,
        renewEveryMs,
        onRenewalError: (err: unknown) => logger.warn({ err, ...context }, `${label} lease renewal failed`),
      };
      if ((await whileHolding(hold, () => mailer.send(email))) === LOST) return 'lost';
    } catch (error) {
      return this.recordFailure(claim, error, ledger, label, () => context);
    }
    return (await ledger.recordSent(claim)) ? 'sent' : 'lost';
  }

  /** Gives a claim whose email did not leave back for a later attempt (`lost`: it was no longer ours). */
  async recordFailure<Claim>(
    claim: Claim,
    error: unknown,
    ledger: Pick<OutboxLedger<Claim>, 'recordFailure'>,
    label: string,
    context: (claim: Claim) => object,
  ): Promise<OutboxOutcome> {
    const { logger } = this.options;
    const relayDown = isRelayUnavailable(error);
    logger.warn({ err: error, ...context(claim), relayDown }, `${label} send failed; will retry`);
    const recorded = await ledger.recordFailure(claim, { error, relayDown }).catch((err: unknown) => {
      logger.warn({ err, ...context(claim) }, `${label} failure not recorded; retried after its lease`);
      return true;
    });
    if (!recorded) return 'lost';
    return relayDown ? 'relay_unavailable' : 'failed';
  }

  /**
   * Runs `each` over `items`, OUTBOX_CONCURRENCY at a time, until done or `stop()` says so (the
   * relay is down, the worker is stopping). Returns how many items were started.
   */
  static async forEach<T>(items: readonly T[], each: (item: T) => Promise<void>, stop: () => boolean = () => false): Promise<number> {
    let next = 0;
    const worker = async () => {
      while (next < items.length && !stop()) await each(items[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(OUTBOX_CONCURRENCY, items.length) }, worker));
    return next;
  }
}
