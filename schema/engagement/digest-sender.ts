import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { renderDigestEmail } from '../../emails/render';
import type { DigestEmailItem } from '../../emails/digest.email';
import type { Clock } from '../../server/clock';
import type { Orm } from '../../server/db/orm';
import { uuidArray } from '../../server/db/sql';
import { EmailOutbox, stableMessageId, type OutboxLedger } from '../../server/email-outbox';
import type { Mailer } from '../../server/mailer';
import { readerLocale, type Locale } from '../../server/i18n/i18n';
import { DigestStatus } from './digest.entity';
import {
  digestClaimRow,
  digestEmailRows,
  digestEmailsOn,
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

/** `relay_unavailable`: the SMTP relay could not be reached; the digest waits for a retry without using up an attempt. */
export type DeliveryOutcome =
  'sent' | 'held_out' | 'skipped_empty' | 'done_before' | 'not_eligible' | 'busy' | 'failed' | 'relay_unavailable';

interface Claim {
  digest: DigestRow;
  rule: EngagementRule;
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

/**
 * Sends one member's digest for one rule and period, once (with the outbox's one resend window:
 * see EmailOutbox). The row keyed by (rule, member, period) is claimed in a transaction under a
 * per-member lock (which also serialises the global budget across rules); the email leaves through
 * the outbox only while the claim's lease is ours; the row then says SENT. A crash after claiming
 * leaves a PENDING row whose lease expires, and the retried job sends it (with the same
 * Message-ID); a finished row is never sent again. Thousands go out per run, so
 * each digest costs few statements: plain SQL, the rule loaded once per batch, and one query for
 * what the email shows (member, items, and which of them were seen meanwhile).
 */
export class DigestSender {
  private readonly outbox: EmailOutbox;

  constructor(private readonly options: DigestSenderOptions) {
    this.outbox = new EmailOutbox(options);
  }

  /**
   * Re-checks a batch against the rule as it stands (audience, opt-in, trigger, period, holdout)
   * and selects each member's content: two statements for the whole batch. The global budget,
   * which another rule's digest may change at any moment, is checked per member under its lock.
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

  /** One member of a prepared batch (`prepare`), or on its own. */
  async deliver(ruleId: string, memberId: string, periodKey: string, batch?: PreparedBatch): Promise<DeliveryOutcome> {
    const prepared = batch ?? (await this.prepare(ruleId, [memberId]));
    const claimed = await this.claim(ruleId, memberId, periodKey, prepared);
    if (typeof claimed === 'string') return claimed;
    return this.send(claimed);
  }

  private claim(ruleId: string, memberId: string, periodKey: string, { rule, members }: PreparedBatch): Promise<Claim | DeliveryOutcome> {
    const { orm, clock, minIntervalDays } = this.options;
    return orm.em.fork().transactional(async (txn) => {
      const em = txn as EntityManager;
      await em.execute(`select pg_advisory_xact_lock(hashtextextended('digest:' || ?::text, 0))`, [memberId]);
      const now = clock.now();
      // Read after the lock: the rule's row for this period, and whether another digest took the budget.
      const row = await digestClaimRow(em, { ruleId, memberId, periodKey }, now, minIntervalDays);
      if (row.id) return rule ? this.reclaim(em, row, rule, now) : 'not_eligible';
      const prepared = members.get(memberId);
      if (!rule || !prepared || prepared.periodKey !== periodKey || row.overBudget) return 'not_eligible';
      return this.decide(em, rule, memberId, prepared, now);
    });
  }

  private async decide(
    em: EntityManager,
    rule: EngagementRule,
    memberId: string,
    prepared: PreparedDigest,
    now: Date,
  ): Promise<Claim | DeliveryOutcome> {
    const insert = (
      status: DigestStatus,
      items: string[] = [],
      hotCount = 0,
      messageId: string | null = null,
      leaseUntil: Date | null = null,
    ) =>
      em.execute<{ id: string }[]>(
        `insert into digest (id, rule_id, member_id, period_key, status, items, hot_count, message_id, attempts, lease_until, created_at)
         values (?, ?, ?, ?, ?, ?::uuid[], ?, ?, ?, ?, ?) returning id`,
        [
          randomUUID(),
          rule.id,
          memberId,
          prepared.periodKey,
          status,
          uuidArray(items),
          hotCount,
          messageId,
          messageId ? 1 : 0,
          leaseUntil,
          now,
        ],
      );
    if (prepared.heldOut) {
      await insert(DigestStatus.HELD_OUT);
      return 'held_out';
    }
    const { hot, cold } = prepared.selection;
    if (!hot.length && !cold.length) {
      await insert(DigestStatus.SKIPPED_EMPTY);
      return 'skipped_empty';
    }
    const items = [...hot, ...cold];
    const messageId = stableMessageId('digest', rule.id, memberId, prepared.periodKey);
    const leaseUntil = new Date(now.getTime() + this.options.leaseMs);
    const [{ id }] = await insert(DigestStatus.PENDING, items, hot.length, messageId, leaseUntil);
    const digest: DigestRow = {
      id,
      memberId,
      status: DigestStatus.PENDING,
      items,
      hotCount: hot.length,
      messageId,
      attempts: 1,
      leaseUntil,
    };
    return { digest, rule };
  }

  /** A row exists: finished (nothing to do), being sent by someone else, or abandoned/failed (ours now). */
  private async reclaim(em: EntityManager, digest: DigestRow, rule: EngagementRule, now: Date): Promise<Claim | DeliveryOutcome> {
    if (digest.status !== DigestStatus.PENDING && digest.status !== DigestStatus.FAILED) return 'done_before';
    if (digest.leaseUntil && new Date(digest.leaseUntil) > now) return 'busy';
    if (digest.attempts >= this.options.maxAttempts) return 'done_before';
    if (!(await digestEmailsOn(em, digest.memberId))) {
      // Opted out since the claim: nothing was sent, so the period ends without an email.
      await em.execute('delete from digest where id = ?', [digest.id]);
      return 'not_eligible';
    }
    const leaseUntil = new Date(now.getTime() + this.options.leaseMs);
    // Only the claim as read: a sender renewing its lease meanwhile (see holdLease) keeps the row.
    const taken = await em.execute<{ id: string }[]>(
      `update digest set attempts = attempts + 1, lease_until = ?, status = 'PENDING'
       where id = ? and attempts = ? and lease_until is not distinct from ?::timestamptz returning id`,
      [leaseUntil, digest.id, digest.attempts, digest.leaseUntil],
    );
    if (!taken.length) return 'busy';
    return { digest: { ...digest, attempts: digest.attempts + 1, status: DigestStatus.PENDING, leaseUntil }, rule };
  }

  private async send({ digest, rule }: Claim): Promise<DeliveryOutcome> {
    const em = this.options.orm.em.fork() as EntityManager;
    const rows = await this.emailRows(em, digest);
    const seen = new Set(rows.filter((row) => row.seen).map((row) => row.id));
    const items = digest.items.filter((id) => !seen.has(id));
    const hotCount = digest.items.slice(0, digest.hotCount).filter((id) => !seen.has(id)).length;
    if (!items.length || !rows.length)
      return this.finish(em, digest, { status: DigestStatus.SKIPPED_EMPTY, items: [], hotCount: 0 }, 'skipped_empty');
    const ledger: OutboxLedger<DigestRow> = {
      renew: () => this.holdLease(em, digest),
      recordSent: async () =>
        (await this.finish(em, digest, { status: DigestStatus.SENT, items, hotCount, sentAt: this.options.clock.now() }, 'sent')) ===
        'sent',
      recordFailure: async (_digest, { error, relayDown }) => {
        const lastError = error instanceof Error ? error.message.slice(0, 500) : String(error);
        return (await this.finish(em, digest, { status: DigestStatus.FAILED, lastError, refundAttempt: relayDown }, 'failed')) === 'failed';
      },
    };
    const compose = () => this.compose(digest, rows, items, hotCount);
    const outcome = await this.outbox.send(digest, ledger, compose, 'digest', {
      digestId: digest.id,
      ruleId: rule.id,
      memberId: digest.memberId,
    });
    return outcome === 'lost' ? 'busy' : outcome;
  }

  /** Renews the claim's lease if the claim is still ours (same attempt) and its lease has not run out (see whileHolding). */
  private async holdLease(em: EntityManager, digest: DigestRow): Promise<boolean> {
    const now = this.options.clock.now();
    const renewed = await em.execute<{ id: string }[]>(
      `update digest set lease_until = ? where id = ? and attempts = ? and status = 'PENDING' and lease_until > ? returning id`,
      [new Date(now.getTime() + this.options.leaseMs), digest.id, digest.attempts, now],
    );
    return renewed.length > 0;
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

  /** One row per item of the digest with the member's address, and whether the member has seen it by now (re-checked just before sending). */
  private emailRows(em: EntityManager, digest: DigestRow): Promise<DigestEmailRow[]> {
    return digestEmailRows(em, digest.memberId, digest.items);
  }

  private async compose(digest: DigestRow, rows: DigestEmailRow[], items: string[], hotCount: number) {
    const { links, communityName, mailFrom } = this.options;
    const byId = new Map(rows.map((row) => [row.id, row]));
    const toItem = (id: string): DigestEmailItem => {
      const row = byId.get(id)!;
      return {
        title: row.title,
        type: row.type,
        themes: row.themes,
        summary: row.summary,
        publishedAt: new Date(row.published_at),
        url: links.clickUrl(digest.id, id),
      };
    };
    const unsubscribeUrl = links.unsubscribeUrl(digest.memberId);
    const rendered = await renderDigestEmail({
      ...readerLocale({ locale: rows[0].locale, timeZone: rows[0].time_zone }, this.options),
      communityName,
      memberName: rows[0].display_name,
      hot: items.slice(0, hotCount).map(toItem),
      cold: items.slice(hotCount).map(toItem),
      feedUrl: links.feedUrl(),
      preferencesUrl: links.preferencesUrl(),
      unsubscribeUrl,
    });
    return {
      to: rows[0].email,
      from: mailFrom,
      messageId: digest.messageId ?? undefined,
      ...rendered,
      headers: {
        'List-Unsubscribe': `<${unsubscribeUrl}>, <mailto:${unsubscribeMailbox(mailFrom)}?subject=unsubscribe>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'X-Hearth-Digest': digest.id,
      },
    };
  }
}

/** `unsubscribe@<sender's domain>`: the mailto alternative RFC 2369 clients fall back to. */
export function unsubscribeMailbox(mailFrom: string): string {
  const address = /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom;
  return `unsubscribe@${address.split('@')[1]}`;
}
