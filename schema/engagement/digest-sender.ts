import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Clock } from '../../server/clock';
import type { Orm } from '../../server/db/orm';
import { uuidArray } from '../../server/db/sql';
import { EmailOutbox, OUTBOX_CONCURRENCY, stableMessageId, type OutboxBatchLedger } from '../../server/email-outbox';
import type { Mailer } from '../../server/mailer';
import type { Locale } from '../../server/i18n/i18n';
import { composeDigestEmail, type DigestSending } from './digest-email.compose';
import { DigestStatus } from './digest.entity';
import {
  digestEmailRows,
  digestEmailsOn,
  digestRowsFor,
  eligibleMembers,
  selectDigestContentFor,
  type DigestRow,
  type DigestSelection,
} from './engagement.queries';
import { EngagementRule } from './engagement-rule.entity';
import type { EmailLinks } from './email-links';

export interface DigestSenderOptions {
  orm: Orm;
  mailer: Mailer;
  links: EmailLinks;
  clock: Clock;
  logger: Logger;
  communityName: string;
  /** The language and IANA zone of members who chose none (COMMUNITY_LOCALE, COMMUNITY_TIMEZONE). */
  communityLocale: Locale;
  communityTimezone: string;
  mailFrom: string;
  minIntervalDays: number;
  /** How long a claimed digest belongs to the worker sending it. */
  leaseMs: number;
  maxAttempts: number;
  /** How often a sender renews its lease while the SMTP exchange lasts (default: a third of the lease, at most 5 s). */
  renewEveryMs?: number;
}

/** `relay_unavailable`: the SMTP relay could not be reached; the digest waits for a retry without using up an attempt. */
export type DeliveryOutcome =
  'sent' | 'held_out' | 'skipped_empty' | 'done_before' | 'not_eligible' | 'busy' | 'failed' | 'relay_unavailable';

/** One member of a batch, with the period the evaluation found them due for. */
export interface DigestTarget {
  memberId: string;
  periodKey: string;
}

export interface DeliverAllOptions {
  /** The batch's rule and members read once (`prepare`); read here without it. */
  batch?: PreparedBatch;
  /** Checked before each round: true leaves the rest untouched (the relay is down, the worker is stopping). */
  stop?: () => boolean;
  /** Each member's outcome as soon as it is known. */
  onOutcome?: (outcome: DeliveryOutcome, target: DigestTarget) => void;
}

/** What a batch worked out for one member before claiming: the rule's verdict and the content. */
export interface PreparedDigest {
  periodKey: string;
  heldOut: boolean;
  selection: DigestSelection;
}

/** A batch's rule and its members' eligibility and content, read once for the whole batch. */
export interface PreparedBatch {
  rule: EngagementRule | null;
  members: Map<string, PreparedDigest>;
}

/** What a finished attempt writes on its row. */
interface Outcome {
  status: DigestStatus;
  items?: string[];
  hotCount?: number;
  sentAt?: Date;
  lastError?: string;
  /** The relay was down: this attempt does not count towards maxAttempts (which is for refusals of the message). */
  refundAttempt?: boolean;
}

export const DIGEST_MAX_ATTEMPTS = 5;

/** A member's row as the claim inserts it (`json_to_recordset` in claimRound). */
interface NewDigest {
  id: string;
  member_id: string;
  period_key: string;
  status: DigestStatus;
  items: string[];
  hot_count: number;
  message_id: string | null;
  attempts: number;
  lease_until: Date | null;
}

/**
 * Sends each member's digest for one rule and period, once (with the outbox's one resend window:
 * see EmailOutbox). Members go in rounds of OUTBOX_CONCURRENCY: a round's rows keyed by (rule,
 * member, period) are claimed in one transaction under its members' locks (which also serialise
 * the global budget across rules), the emails leave through the outbox only while the claims'
 * leases are ours, and the sent rows then say SENT. A crash after claiming leaves PENDING rows
 * whose lease expires, and the retried job sends them (with the same Message-ID); a finished row
 * is never sent again. Thousands go out per run, so a round costs a handful of statements whatever
 * its size: the claim (lock, insert), the email rows, one lease renewal, one record of the sent.
 */
export class DigestSender {
  private readonly outbox: EmailOutbox;

  constructor(private readonly options: DigestSenderOptions) {
    this.outbox = new EmailOutbox(options);
  }

  /**
   * Re-checks a batch against the rule as it stands (audience, opt-in, trigger, period, holdout)
   * and selects each member's content: two statements for the whole batch. The global budget,
   * which another rule's digest may change at any moment, is checked again under the members' locks.
   */
  async prepare(ruleId: string, memberIds: readonly string[]): Promise<PreparedBatch> {
    const { orm, clock, minIntervalDays } = this.options;
    const em = orm.em.fork() as EntityManager;
    const rule = await em.findOne(EngagementRule, { id: ruleId });
    const members = new Map<string, PreparedDigest>();
    if (!rule || !rule.enabled || rule.deletedAt || !memberIds.length) return { rule, members };
    const now = clock.now();
    const eligible = (await eligibleMembers(em, rule, now, minIntervalDays, memberIds)).filter((row) => !row.over_budget);
    const toSelect = eligible.filter((row) => !row.held_out).map((row) => row.member_id);
    const selections = await selectDigestContentFor(em, toSelect, rule.maxItems, now);
    for (const row of eligible) {
      members.set(row.member_id, {
        periodKey: row.period_key,
        heldOut: row.held_out,
        selection: selections.get(row.member_id) ?? { hot: [], cold: [] },
      });
    }
    return { rule, members };
  }

  /** One member, of a prepared batch (`prepare`) or on its own. */
  async deliver(ruleId: string, memberId: string, periodKey: string, batch?: PreparedBatch): Promise<DeliveryOutcome> {
    let outcome: DeliveryOutcome = 'busy';
    await this.deliverAll(ruleId, [{ memberId, periodKey }], { batch, onOutcome: (found) => (outcome = found) });
    return outcome;
  }

  /**
   * A batch, in rounds of OUTBOX_CONCURRENCY members: each round is claimed, sent and recorded
   * before the next starts, and every member a round claims is attempted, so stopping between
   * rounds leaves no claim waiting for its lease. Returns how many members were started.
   */
  async deliverAll(ruleId: string, targets: readonly DigestTarget[], options: DeliverAllOptions = {}): Promise<number> {
    const { stop = () => false, onOutcome = () => undefined } = options;
    const batch =
      options.batch ??
      (await this.prepare(
        ruleId,
        targets.map((target) => target.memberId),
      ));
    let started = 0;
    for (; started < targets.length && !stop(); started += OUTBOX_CONCURRENCY) {
      const round = targets.slice(started, started + OUTBOX_CONCURRENCY);
      const claimed = await this.claimRound(ruleId, round, batch);
      const outcomes = await this.sendRound(
        ruleId,
        claimed.filter((claim): claim is DigestRow => typeof claim !== 'string'),
      );
      claimed.forEach((claim, index) => onOutcome(typeof claim === 'string' ? claim : outcomes.get(claim)!, round[index]));
    }
    return Math.min(started, targets.length);
  }

  /**
   * Claims a round in one transaction: its members locked (in id order, so two claims never wait on
   * each other), then one insert of every decided row that finds neither its key taken nor the
   * global budget used; the members it did not insert are read back, and a row found is reclaimed
   * as before (a retry). Answers each target's claim or outcome, in order.
   */
  private claimRound(
    ruleId: string,
    targets: readonly DigestTarget[],
    { rule, members }: PreparedBatch,
  ): Promise<(DigestRow | DeliveryOutcome)[]> {
    const { orm, clock, minIntervalDays } = this.options;
    return orm.em.fork().transactional(async (txn) => {
      const em = txn as EntityManager;
      const locked = uuidArray([...new Set(targets.map((target) => target.memberId))].sort());
      await em.execute(`select pg_advisory_xact_lock(hashtextextended('digest:' || m::text, 0)) from unnest(?::uuid[]) as m`, [locked]);
      const now = clock.now();
      const decided = rule ? targets.map((target) => this.decide(rule, target, members.get(target.memberId), now)) : [];
      const fresh = decided.filter((row): row is NewDigest => row !== null);
      const inserted = fresh.length
        ? new Set(
            (
              await em.execute<{ id: string }[]>(
                `insert into digest (id, rule_id, member_id, period_key, status, items, hot_count, message_id, attempts, lease_until, created_at)
                 select r.id, ?::uuid, r.member_id, r.period_key, r.status, r.items, r.hot_count, r.message_id, r.attempts, r.lease_until, ?::timestamptz
                 from json_to_recordset(?::json) as r(id uuid, member_id uuid, period_key text, status digest_status, items uuid[],
                   hot_count int, message_id text, attempts int, lease_until timestamptz)
                 where not exists (
                   select 1 from digest b where b.member_id = r.member_id and b.status in ('SENT', 'HELD_OUT', 'PENDING')
                     and b.created_at > ?::timestamptz - make_interval(days => ?::int) and not (b.rule_id = ?::uuid and b.period_key = r.period_key))
                 on conflict (rule_id, member_id, period_key) do nothing
                 returning id`,
                [ruleId, now, JSON.stringify(fresh), now, minIntervalDays, ruleId],
              )
            ).map((row) => row.id),
          )
        : new Set<string>();
      const results = targets.map((_, index) => {
        const row = decided[index];
        return row && inserted.has(row.id) ? claimOf(row) : null;
      });
      const rest = targets.flatMap((target, index) => (results[index] === null ? [index] : []));
      const found = rest.length
        ? await digestRowsFor(
            em,
            ruleId,
            rest.map((index) => targets[index]),
          )
        : [];
      for (const [position, index] of rest.entries()) {
        const row = found[position];
        results[index] = row.id && rule ? await this.reclaim(em, row, now) : 'not_eligible';
      }
      return results as (DigestRow | DeliveryOutcome)[];
    });
  }

  /** The row a member's digest starts as (null: the batch did not find the member due for this period). */
  private decide(rule: EngagementRule, target: DigestTarget, prepared: PreparedDigest | undefined, now: Date): NewDigest | null {
    if (!prepared || prepared.periodKey !== target.periodKey) return null;
    const row = {
      id: randomUUID(),
      member_id: target.memberId,
      period_key: target.periodKey,
      message_id: null,
      attempts: 0,
      lease_until: null,
    };
    if (prepared.heldOut) return { ...row, status: DigestStatus.HELD_OUT, items: [], hot_count: 0 };
    const { hot, cold } = prepared.selection;
    if (!hot.length && !cold.length) return { ...row, status: DigestStatus.SKIPPED_EMPTY, items: [], hot_count: 0 };
    return {
      ...row,
      status: DigestStatus.PENDING,
      items: [...hot, ...cold],
      hot_count: hot.length,
      message_id: stableMessageId('digest', rule.id, target.memberId, target.periodKey),
      attempts: 1,
      lease_until: new Date(now.getTime() + this.options.leaseMs),
    };
  }

  /** A row exists: finished (nothing to do), being sent by someone else, or abandoned/failed (ours now). */
  private async reclaim(em: EntityManager, digest: DigestRow, now: Date): Promise<DigestRow | DeliveryOutcome> {
    if (digest.status !== DigestStatus.PENDING && digest.status !== DigestStatus.FAILED) return 'done_before';
    if (digest.leaseUntil && new Date(digest.leaseUntil) > now) return 'busy';
    if (digest.attempts >= this.options.maxAttempts) return 'done_before';
    if (!(await digestEmailsOn(em, digest.memberId))) {
      // Opted out since the claim: nothing was sent, so the period ends without an email.
      await em.execute('delete from digest where id = ?', [digest.id]);
      return 'not_eligible';
    }
    const leaseUntil = new Date(now.getTime() + this.options.leaseMs);
    // Only the claim as read: a sender renewing its lease meanwhile (see renewAll) keeps the row.
    const taken = await em.execute<{ id: string }[]>(
      `update digest set attempts = attempts + 1, lease_until = ?, status = 'PENDING'
       where id = ? and attempts = ? and lease_until is not distinct from ?::timestamptz returning id`,
      [leaseUntil, digest.id, digest.attempts, digest.leaseUntil],
    );
    if (!taken.length) return 'busy';
    return { ...digest, attempts: digest.attempts + 1, status: DigestStatus.PENDING, leaseUntil };
  }

  /**
   * Sends a round's claims: the email rows of all of them in one statement (what is seen by now
   * is dropped; a digest left with nothing is SKIPPED_EMPTY), then through the outbox.
   */
  private async sendRound(ruleId: string, claims: DigestRow[]): Promise<Map<DigestRow, DeliveryOutcome>> {
    const outcomes = new Map<DigestRow, DeliveryOutcome>();
    if (!claims.length) return outcomes;
    const em = this.options.orm.em.fork() as EntityManager;
    const rows = await digestEmailRows(em, claims);
    const sendings: DigestSending[] = [];
    for (const digest of claims) {
      const own = rows.filter((row) => row.member_id === digest.memberId);
      const seen = new Set(own.filter((row) => row.seen).map((row) => row.id));
      const items = digest.items.filter((id) => !seen.has(id));
      const hotCount = digest.items.slice(0, digest.hotCount).filter((id) => !seen.has(id)).length;
      if (items.length && own.length) sendings.push({ digest, items, hotCount, rows: own });
      else
        outcomes.set(
          digest,
          await this.finish(em, digest, { status: DigestStatus.SKIPPED_EMPTY, items: [], hotCount: 0 }, 'skipped_empty'),
        );
    }
    const sent = await this.outbox.sendAll(
      sendings,
      this.ledger(em),
      (sending) => composeDigestEmail(this.options, sending),
      'digest',
      ({ digest }) => ({
        digestId: digest.id,
        ruleId,
        memberId: digest.memberId,
      }),
    );
    sendings.forEach(({ digest }, index) => outcomes.set(digest, sent[index] === 'lost' ? 'busy' : sent[index]));
    return outcomes;
  }

  /**
   * The digest table as the outbox's ledger: leases renewed and sent rows recorded one statement
   * per round, each only for the claims still ours (same attempt, still PENDING).
   */
  private ledger(em: EntityManager): OutboxBatchLedger<DigestSending> {
    const { clock, leaseMs } = this.options;
    const ours = (sendings: readonly DigestSending[], ids: { id: string }[]) => {
      const kept = new Set(ids.map((row) => row.id));
      return new Set(sendings.filter(({ digest }) => kept.has(digest.id)));
    };
    return {
      renewAll: async (sendings) => {
        if (!sendings.length) return new Set();
        const now = clock.now();
        const claims = sendings.map(({ digest }) => ({ id: digest.id, attempts: digest.attempts }));
        const renewed = await em.execute<{ id: string }[]>(
          `update digest d set lease_until = ? from json_to_recordset(?::json) as c(id uuid, attempts int)
           where d.id = c.id and d.attempts = c.attempts and d.status = 'PENDING' and d.lease_until > ? returning d.id`,
          [new Date(now.getTime() + leaseMs), JSON.stringify(claims), now],
        );
        return ours(sendings, renewed);
      },
      recordSentAll: async (sendings) => {
        const sent = sendings.map(({ digest, items, hotCount }) => ({
          id: digest.id,
          attempts: digest.attempts,
          items,
          hot_count: hotCount,
        }));
        const recorded = await em.execute<{ id: string }[]>(
          `update digest d set status = 'SENT', items = s.items, hot_count = s.hot_count, sent_at = ?, lease_until = null
           from json_to_recordset(?::json) as s(id uuid, attempts int, items uuid[], hot_count int)
           where d.id = s.id and d.attempts = s.attempts and d.status = 'PENDING' returning d.id`,
          [clock.now(), JSON.stringify(sent)],
        );
        return ours(sendings, recorded);
      },
      recordFailure: async ({ digest }, { error, relayDown }) => {
        const lastError = error instanceof Error ? error.message.slice(0, 500) : String(error);
        return (await this.finish(em, digest, { status: DigestStatus.FAILED, lastError, refundAttempt: relayDown }, 'failed')) === 'failed';
      },
    };
  }

  /** Records the outcome only if the claim is still ours (same attempt): a stale worker changes nothing. */
  private async finish(em: EntityManager, digest: DigestRow, outcome: Outcome, result: DeliveryOutcome): Promise<DeliveryOutcome> {
    const updated = await em.execute<{ id: string }[]>(
      `update digest set status = ?, items = coalesce(?::uuid[], items), hot_count = coalesce(?, hot_count), sent_at = coalesce(?, sent_at),
         last_error = coalesce(?, last_error), lease_until = null, attempts = attempts - ?
       where id = ? and attempts = ? and status = 'PENDING' returning id`,
      [
        outcome.status,
        outcome.items ? uuidArray(outcome.items) : null,
        outcome.hotCount ?? null,
        outcome.sentAt ?? null,
        outcome.lastError ?? null,
        outcome.refundAttempt ? 1 : 0,
        digest.id,
        digest.attempts,
      ],
    );
    return updated.length ? result : 'busy';
  }
}

/** What an inserted row means: a claim to send, or a decision already final. */
function claimOf(row: NewDigest): DigestRow | DeliveryOutcome {
  if (row.status === DigestStatus.HELD_OUT) return 'held_out';
  if (row.status === DigestStatus.SKIPPED_EMPTY) return 'skipped_empty';
  return {
    id: row.id,
    memberId: row.member_id,
    status: row.status,
    items: row.items,
    hotCount: row.hot_count,
    messageId: row.message_id,
    attempts: row.attempts,
    leaseUntil: row.lease_until,
  };
}

/** Re-exported where session emails have always found it. */
export { unsubscribeMailbox } from './digest-email.compose';
