import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Clock } from '../../server/clock';
import type { Orm } from '../../server/db/orm';
import { uuidArray } from '../../server/db/sql';
import { OUTBOX_CONCURRENCY, stableMessageId } from '../../server/email-outbox';
import { sendClaimedBatch, type OutboxBatchOutcome } from '../../server/email-outbox-batch';
import type { Mailer } from '../../server/mailer';
import type { Locale } from '../../server/i18n/i18n';
import { composeDigestEmail } from './digest-email.compose';
import { digestLedger, type DeliveryOutcome, type DigestClaim } from './digest-ledger';
import { DigestStatus } from './digest.entity';
import {
  digestEmailRows,
  digestEmailsOn,
  digestRowsFor,
  eligibleMembers,
  selectDigestContentFor,
  type DigestEmailRow,
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

export type { DeliveryOutcome } from './digest-ledger';

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

/** Members claimed per transaction: a send-digest job's batch (DIGEST_BATCH_SIZE) in one or a few rounds. */
const CLAIMS_PER_ROUND = 100;

/**
 * Sends each member's digest for one rule and period, once (with the outbox's one resend window:
 * see sendClaimedBatch). Members go in rounds (a job's batch): a round's rows keyed by (rule, member,
 * period) are claimed in one transaction under its members' locks (which also serialise the global
 * budget across rules); the emails leave through the outbox (sendClaimedBatch) only while the
 * claims' leases are ours, OUTBOX_CONCURRENCY at a time, each group's rows and seen items read just
 * before it is sent; the sent rows then say SENT, a group at a time. A crash after claiming leaves
 * PENDING rows whose lease expires, and the retried job sends them (with the same Message-ID); a
 * finished row is never sent again. Thousands go out per run, so a digest costs a fraction of a
 * statement: one claim per round, and per group of OUTBOX_CONCURRENCY one read and one record.
 */
export class DigestSender {
  constructor(private readonly options: DigestSenderOptions) {}

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
   * A batch, in rounds of CLAIMS_PER_ROUND members, each claimed then sent; `stop` ends it before
   * the next send, and what was claimed but not attempted is given back at once. Returns how many
   * members were decided (the rest are untouched: a retry does them).
   */
  async deliverAll(ruleId: string, targets: readonly DigestTarget[], options: DeliverAllOptions = {}): Promise<number> {
    const { stop = () => false, onOutcome = () => undefined } = options;
    const batch =
      options.batch ??
      (await this.prepare(
        ruleId,
        targets.map((target) => target.memberId),
      ));
    let decided = 0;
    for (let start = 0; start < targets.length && !stop(); start += CLAIMS_PER_ROUND) {
      const round = targets.slice(start, start + CLAIMS_PER_ROUND);
      const claimed = await this.claimRound(ruleId, round, batch);
      const claims = claimed.filter((claim): claim is DigestClaim => typeof claim !== 'string');
      const sent = await this.sendRound(ruleId, claims, stop);
      claimed.forEach((claim, index) => {
        const outcome = typeof claim === 'string' ? claim : sent.get(claim);
        if (outcome) onOutcome(outcome, round[index]);
        if (outcome) decided += 1;
      });
      if (decided < start + round.length) break;
    }
    return decided;
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
  ): Promise<(DigestClaim | DeliveryOutcome)[]> {
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
      return results as (DigestClaim | DeliveryOutcome)[];
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
  private async reclaim(em: EntityManager, digest: DigestRow, now: Date): Promise<DigestClaim | DeliveryOutcome> {
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
    const before = { status: digest.status, leaseUntil: digest.leaseUntil, attempts: digest.attempts };
    return { ...digest, attempts: digest.attempts + 1, status: DigestStatus.PENDING, leaseUntil, before };
  }

  /**
   * Sends a round's claims through the outbox. Each group of OUTBOX_CONCURRENCY reads its rows
   * (address, items, what is seen by now) in one statement as its first email is composed: what
   * the member has seen is dropped, and a digest left with nothing is SKIPPED_EMPTY.
   */
  private async sendRound(ruleId: string, claims: DigestClaim[], stop: () => boolean): Promise<Map<DigestClaim, DeliveryOutcome>> {
    const outcomes = new Map<DigestClaim, DeliveryOutcome>();
    if (!claims.length) return outcomes;
    const em = this.options.orm.em.fork() as EntityManager;
    const groups = new Map<number, Promise<(DigestEmailRow & { member_id: string })[]>>();
    const rowsOf = (index: number) => {
      const group = Math.floor(index / OUTBOX_CONCURRENCY);
      if (!groups.has(group))
        groups.set(group, digestEmailRows(em, claims.slice(group * OUTBOX_CONCURRENCY, (group + 1) * OUTBOX_CONCURRENCY)));
      return groups.get(group)!;
    };
    const unseen = new Map<DigestClaim, { items: string[]; hotCount: number }>();
    const position = new Map(claims.map((claim, index) => [claim, index]));
    const compose = async (digest: DigestClaim) => {
      const rows = (await rowsOf(position.get(digest)!)).filter((row) => row.member_id === digest.memberId);
      const seen = new Set(rows.filter((row) => row.seen).map((row) => row.id));
      const items = digest.items.filter((id) => !seen.has(id));
      const hotCount = digest.items.slice(0, digest.hotCount).filter((id) => !seen.has(id)).length;
      if (!items.length || !rows.length) return null;
      unseen.set(digest, { items, hotCount });
      return composeDigestEmail(this.options, { digest, items, hotCount, rows });
    };
    const context = (digest: DigestClaim) => ({ digestId: digest.id, ruleId, memberId: digest.memberId });
    const ledger = digestLedger(em, this.options, unseen);
    const sent = await sendClaimedBatch(this.options, { claims, ledger, compose, label: 'digest', context, stop });
    claims.forEach((claim, index) => {
      const outcome = deliveryOutcome(sent[index]);
      if (outcome) outcomes.set(claim, outcome);
    });
    return outcomes;
  }
}

/** The outbox's word for a claim as the job counts it (null: never attempted). */
function deliveryOutcome(outcome: OutboxBatchOutcome): DeliveryOutcome | null {
  if (outcome === 'lost') return 'busy';
  if (outcome === 'empty') return 'skipped_empty';
  return outcome;
}

/** What an inserted row means: a claim to send, or a decision already final. */
function claimOf(row: NewDigest): DigestClaim | DeliveryOutcome {
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
    before: null,
  };
}

/** Re-exported where session emails have always found it. */
export { unsubscribeMailbox } from './digest-email.compose';
