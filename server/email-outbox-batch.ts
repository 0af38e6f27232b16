import { systemClock, type Clock } from './clock';
import { forEachBounded, OUTBOX_CONCURRENCY, type EmailOutboxOptions, type OutboxOutcome } from './email-outbox';
import { isRelayUnavailable, type OutgoingEmail } from './mailer';

/**
 * The outbox's protocol for a batch of claims (one or many), one statement per step
 * rather than per email: leases renewed together, sent emails recorded in groups.
 */
export interface OutboxBatchLedger<Claim> {
  /** Renews the leases of the claims still ours and unexpired; answers those. */
  renewAll(claims: readonly Claim[]): Promise<ReadonlySet<Claim>>;
  /** The relay accepted these emails: their rows say sent; answers those still ours. */
  recordSentAll(claims: readonly Claim[]): Promise<ReadonlySet<Claim>>;
  /** The email did not leave: the row goes back for a later attempt (false: no longer ours). */
  recordFailure(claim: Claim, failure: { error: unknown; relayDown: boolean }): Promise<boolean>;
  /** There was nothing left to send (compose answered null): the row says so (false: no longer ours). */
  recordNothingToSend(claim: Claim): Promise<boolean>;
  /** Claims the batch stopped before attempting: given back as they were before this worker took them. */
  releaseAll(claims: readonly Claim[]): Promise<void>;
}

/** How long an accepted email waits, at most, for others to be recorded with it. */
export const RECORD_WITHIN_MS = 100;

/** `empty`: compose found nothing left to send. `null` in a batch's outcomes: never attempted, released. */
export type OutboxBatchOutcome = OutboxOutcome | 'empty' | null;

export interface OutboxBatchRun<Claim> {
  claims: readonly Claim[];
  ledger: OutboxBatchLedger<Claim>;
  /** The email of a claim, or null when there is nothing left to send. */
  compose: (claim: Claim) => Promise<OutgoingEmail | null>;
  label: string;
  context: (claim: Claim) => object;
  /** Checked before each send: true leaves the rest unattempted (and released). The batch also stops by itself once the relay is unreachable. */
  stop?: () => boolean;
}

/**
 * Sends a batch of claims OUTBOX_CONCURRENCY at a time (every email Hearth sends goes this way): the
 * claims still ours are renewed together first (the others are `lost`, nothing is sent for them);
 * an email is composed, and then handed to the relay, only within one renewal interval of a
 * renewal that found its claim still ours (when one is due, it waits for it), and the leases of
 * everything not yet recorded keep being renewed while the batch lasts. Accepted emails are
 * recorded sent in groups, each within RECORD_WITHIN_MS of its acceptance (a renewal under way
 * cannot undo a record: it only touches claims still pending); refused ones are given back once
 * the last renewal has settled, and claims never attempted (stopped, or a renewal that failed)
 * released for another worker.
 */
export async function sendClaimedBatch<Claim>(options: EmailOutboxOptions, run: OutboxBatchRun<Claim>): Promise<OutboxBatchOutcome[]> {
  return new OutboxBatch(options, run).send();
}

class OutboxBatch<Claim> {
  private readonly outcomes: OutboxBatchOutcome[];
  private readonly position: Map<Claim, number>;
  /** Ours and not handed to the relay yet (being composed counts): what a renewal can find lost. */
  private readonly waiting = new Set<Claim>();
  /** Ours and not recorded yet: what renewals keep. */
  private readonly holding = new Set<Claim>();
  private readonly accepted: Claim[] = [];
  private readonly failures: { claim: Claim; error: unknown }[] = [];
  private renewedAt = 0;
  private renewing: Promise<void> | null = null;
  private recording: Promise<void> = Promise.resolve();
  private recordingNow = false;
  private recordTimer: ReturnType<typeof setTimeout> | null = null;
  /** The wait for a group is over: record what there is. */
  private flushing = false;
  private recordError: { error: unknown } | null = null;
  private relayDown = false;
  private readonly renewEveryMs: number;
  private readonly clock: Clock;

  constructor(
    private readonly options: EmailOutboxOptions,
    private readonly run: OutboxBatchRun<Claim>,
  ) {
    this.outcomes = run.claims.map(() => null);
    this.position = new Map(run.claims.map((claim, index) => [claim, index]));
    this.renewEveryMs = options.renewEveryMs ?? Math.min(options.leaseMs / 3, 5_000);
    this.clock = options.clock ?? systemClock;
  }

  async send(): Promise<OutboxBatchOutcome[]> {
    const { claims, stop = () => false } = this.run;
    if (!claims.length) return this.outcomes;
    for (const claim of claims) {
      this.holding.add(claim);
      this.waiting.add(claim);
    }
    await this.renew();
    const timer = setInterval(() => void this.renewSoon(), this.renewEveryMs);
    try {
      await forEachBounded(
        claims,
        (claim) => this.attempt(claim),
        () => this.relayDown || stop(),
      );
    } finally {
      clearInterval(timer);
      await this.renewing;
    }
    await this.settle();
    return this.outcomes;
  }

  private async attempt(claim: Claim): Promise<void> {
    if (!(await this.stillOurs(claim))) return;
    try {
      const email = await this.run.compose(claim);
      if (email === null) {
        this.waiting.delete(claim);
        return this.setOutcome(claim, (await this.run.ledger.recordNothingToSend(claim)) ? 'empty' : 'lost');
      }
      // Composing reads the database: a stalled process or a slow database can outlast the lease
      // meanwhile, and another worker may have taken the claim over. Checked again right before the
      // relay sees it, so only the SMTP exchange itself is left unfenced.
      if (!(await this.stillOurs(claim))) return;
      this.waiting.delete(claim);
      await this.options.mailer.send(email);
      this.accepted.push(claim);
      this.recordAccepted();
    } catch (error) {
      this.waiting.delete(claim);
      this.failures.push({ claim, error });
      if (isRelayUnavailable(error)) this.relayDown = true;
    }
  }

  /**
   * True when the claim was found ours by a renewal that started less than one renewal interval
   * ago. When one is due it waits for it, and for a second one when the renewal it joined had
   * started too long ago (a stalled database). False: lost meanwhile (its outcome says so), or no
   * renewal came through in time (it stays waiting: released at the end, never attempted).
   */
  private async stillOurs(claim: Claim): Promise<boolean> {
    const stale = () => this.clock.now().getTime() - this.renewedAt >= this.renewEveryMs;
    for (let tries = 0; tries < 2 && stale() && this.waiting.has(claim); tries += 1) await this.renewSoon();
    return this.waiting.has(claim) && !stale();
  }

  /** One renewal at a time: a send that finds one due waits for the one under way. */
  private renewSoon(): Promise<void> {
    this.renewing ??= this.renew()
      .catch((err: unknown) => this.options.logger.warn({ err }, `${this.run.label} lease renewal failed`))
      .finally(() => (this.renewing = null));
    return this.renewing;
  }

  /** Renews what is not recorded yet; what is lost before its send is `lost`. */
  private async renew(): Promise<void> {
    const at = this.clock.now().getTime();
    const kept = await this.run.ledger.renewAll([...this.holding]);
    for (const claim of this.waiting) {
      if (kept.has(claim)) continue;
      this.waiting.delete(claim);
      this.holding.delete(claim);
      this.setOutcome(claim, 'lost');
    }
    this.renewedAt = at;
  }

  /**
   * Records what the relay accepted, in groups: at once when a group of OUTBOX_CONCURRENCY has
   * accumulated, else within RECORD_WITHIN_MS of the first unrecorded acceptance (a slow relay
   * leaves each email unrecorded for no longer than that: the resend window stays as narrow).
   * One record at a time; what accumulates meanwhile goes in the next.
   */
  private recordAccepted(): void {
    if (this.recordingNow || !this.accepted.length) return;
    if (this.accepted.length < OUTBOX_CONCURRENCY && !this.flushing) {
      this.recordTimer ??= setTimeout(() => {
        this.recordTimer = null;
        this.flushing = true;
        this.recordAccepted();
      }, RECORD_WITHIN_MS);
      return;
    }
    if (this.recordTimer) clearTimeout(this.recordTimer);
    this.recordTimer = null;
    this.flushing = false;
    const group = this.accepted.splice(0);
    this.recordingNow = true;
    this.recording = this.run.ledger
      .recordSentAll(group)
      .then((recorded) => {
        for (const claim of group) {
          this.holding.delete(claim);
          this.setOutcome(claim, recorded.has(claim) ? 'sent' : 'lost');
        }
      })
      .catch((error: unknown) => {
        // Kept for settle: the batch stops (what is accepted stays PENDING, leased, and goes again after its lease).
        this.recordError ??= { error };
      })
      .finally(() => {
        this.recordingNow = false;
        this.recordAccepted();
      });
  }

  /** After the last renewal: the rest of the accepted recorded, the refused given back, the unattempted released. */
  private async settle(): Promise<void> {
    this.flushing = true;
    this.recordAccepted();
    for (let recording = this.recording; ; recording = this.recording) {
      await recording;
      if (recording === this.recording) break;
    }
    if (this.recordError) throw this.recordError.error;
    for (const { claim, error } of this.failures) this.setOutcome(claim, await this.recordFailure(claim, error));
    const unattempted = [...this.waiting];
    if (unattempted.length) await this.run.ledger.releaseAll(unattempted);
  }

  /** A send that failed: logged, and its claim given back (`lost` if it was no longer ours). */
  private async recordFailure(claim: Claim, error: unknown): Promise<OutboxOutcome> {
    const { logger } = this.options;
    const { label, ledger, context } = this.run;
    const relayDown = isRelayUnavailable(error);
    logger.warn({ err: error, ...context(claim), relayDown }, `${label} send failed; will retry`);
    const recorded = await ledger.recordFailure(claim, { error, relayDown }).catch((err: unknown) => {
      logger.warn({ err, ...context(claim) }, `${label} failure not recorded; retried after its lease`);
      return true;
    });
    if (!recorded) return 'lost';
    return relayDown ? 'relay_unavailable' : 'failed';
  }

  private setOutcome(claim: Claim, outcome: OutboxBatchOutcome): void {
    this.outcomes[this.position.get(claim)!] = outcome;
  }
}
