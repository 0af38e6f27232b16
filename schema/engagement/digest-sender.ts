import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { renderDigestEmail } from '../../emails/render';
import type { DigestEmailItem } from '../../emails/digest.email';
import type { Clock } from '../../server/clock';
import type { Orm } from '../../server/db/orm';
import { uuidArray } from '../../server/db/sql';
import type { Mailer } from '../../server/mailer';
import { Digest, DigestStatus } from './digest.entity';
import { selectDigestContent, seenAmong } from './digest-content';
import { eligibleMembers, type EligibleMember } from './eligibility';
import { EngagementRule } from './engagement-rule.entity';
import type { EmailLinks } from './email-links';

export interface DigestSenderOptions {
  orm: Orm;
  mailer: Mailer;
  links: EmailLinks;
  clock: Clock;
  logger: Logger;
  communityName: string;
  mailFrom: string;
  minIntervalDays: number;
  /** How long a claimed digest belongs to the worker sending it. */
  leaseMs: number;
  maxAttempts: number;
}

export type DeliveryOutcome = 'sent' | 'held_out' | 'skipped_empty' | 'done_before' | 'not_eligible' | 'busy' | 'failed';

interface Claim {
  digest: Digest;
  rule: EngagementRule;
}

export const DIGEST_MAX_ATTEMPTS = 5;

/**
 * Sends one member's digest for one rule and period, exactly once. The row keyed by (rule, member,
 * period) is claimed in a transaction under a per-member lock (which also serialises the global
 * budget across rules); the email leaves only while the claim's lease is ours; the row then says
 * SENT. A crash after claiming leaves a PENDING row whose lease expires, and the retried job sends
 * it (with the same Message-ID); a finished row is never sent again.
 */
export class DigestSender {
  constructor(private readonly options: DigestSenderOptions) {}

  async deliver(ruleId: string, memberId: string, periodKey: string): Promise<DeliveryOutcome> {
    const claimed = await this.claim(ruleId, memberId, periodKey);
    if (typeof claimed === 'string') return claimed;
    return this.send(claimed);
  }

  private claim(ruleId: string, memberId: string, periodKey: string): Promise<Claim | DeliveryOutcome> {
    const { orm, clock } = this.options;
    return orm.em.fork().transactional(async (em) => {
      await em.execute(`select pg_advisory_xact_lock(hashtextextended('digest:' || ?::text, 0))`, [memberId]);
      const now = clock.now();
      const rule = await em.findOne(EngagementRule, { id: ruleId });
      const existing = await em.findOne(Digest, { ruleId, memberId, periodKey });
      if (existing) return rule ? this.reclaim(em, existing, rule, now) : 'not_eligible';
      if (!rule || !rule.enabled || rule.deletedAt) return 'not_eligible';
      const [row] = (await eligibleMembers(em, rule, now, this.options.minIntervalDays, [memberId])).filter((r) => r.period_key === periodKey);
      if (!row || row.over_budget) return 'not_eligible';
      return this.decide(em, rule, row, now);
    });
  }

  private async decide(em: EntityManager, rule: EngagementRule, row: EligibleMember, now: Date): Promise<Claim | DeliveryOutcome> {
    const base = { ruleId: rule.id, memberId: row.member_id, periodKey: row.period_key, createdAt: now };
    if (row.held_out) {
      em.create(Digest, { ...base, status: DigestStatus.HELD_OUT });
      await em.flush();
      return 'held_out';
    }
    const { hot, cold } = await selectDigestContent(em, row.member_id, rule.maxItems, now);
    if (!hot.length && !cold.length) {
      em.create(Digest, { ...base, status: DigestStatus.SKIPPED_EMPTY });
      await em.flush();
      return 'skipped_empty';
    }
    const digest = em.create(Digest, {
      ...base,
      status: DigestStatus.PENDING,
      items: [...hot, ...cold],
      hotCount: hot.length,
      messageId: `<digest-${randomUUID()}@hearth>`,
      attempts: 1,
      leaseUntil: new Date(now.getTime() + this.options.leaseMs),
    });
    await em.flush();
    return { digest, rule };
  }

  /** A row exists: finished (nothing to do), being sent by someone else, or abandoned/failed (ours now). */
  private async reclaim(em: EntityManager, digest: Digest, rule: EngagementRule, now: Date): Promise<Claim | DeliveryOutcome> {
    if (digest.status !== DigestStatus.PENDING && digest.status !== DigestStatus.FAILED) return 'done_before';
    if (digest.leaseUntil && digest.leaseUntil > now) return 'busy';
    if (digest.attempts >= this.options.maxAttempts) return 'done_before';
    const [optedIn] = await em.execute<{ digest_emails: boolean }[]>('select digest_emails from member where id = ?', [digest.memberId]);
    if (!optedIn?.digest_emails) {
      // Opted out since the claim: nothing was sent, so the period ends without an email.
      em.remove(digest);
      await em.flush();
      return 'not_eligible';
    }
    digest.attempts += 1;
    digest.leaseUntil = new Date(now.getTime() + this.options.leaseMs);
    digest.status = DigestStatus.PENDING;
    await em.flush();
    return { digest, rule };
  }

  private async send({ digest, rule }: Claim): Promise<DeliveryOutcome> {
    const { orm, mailer, logger } = this.options;
    const em = orm.em.fork() as EntityManager;
    const seen = await seenAmong(em, digest.memberId, digest.items);
    const items = digest.items.filter((id) => !seen.has(id));
    const hotCount = digest.items.slice(0, digest.hotCount).filter((id) => !seen.has(id)).length;
    if (!items.length) return this.finish(em, digest, { status: DigestStatus.SKIPPED_EMPTY, items: [], hotCount: 0 }, 'skipped_empty');
    try {
      const email = await this.compose(em, digest, items, hotCount);
      await mailer.send(email);
    } catch (error) {
      logger.warn({ err: error, digestId: digest.id, ruleId: rule.id, memberId: digest.memberId }, 'digest send failed; will retry');
      const lastError = error instanceof Error ? error.message.slice(0, 500) : String(error);
      return this.finish(em, digest, { status: DigestStatus.FAILED, lastError }, 'failed');
    }
    return this.finish(em, digest, { status: DigestStatus.SENT, items, hotCount, sentAt: this.options.clock.now() }, 'sent');
  }

  /** Records the outcome only if the claim is still ours (same attempt): a stale worker changes nothing. */
  private async finish(em: EntityManager, digest: Digest, changes: Partial<Digest>, outcome: DeliveryOutcome): Promise<DeliveryOutcome> {
    const updated = await em.nativeUpdate(
      Digest,
      { id: digest.id, attempts: digest.attempts, status: DigestStatus.PENDING },
      { ...changes, leaseUntil: null },
    );
    return updated ? outcome : 'busy';
  }

  private async compose(em: EntityManager, digest: Digest, items: string[], hotCount: number) {
    const { links, communityName, mailFrom } = this.options;
    const [member] = await em.execute<{ email: string; display_name: string }[]>('select email, display_name from member where id = ?', [digest.memberId]);
    const rows = await em.execute<{ id: string; title: string; type: string; summary: string | null; themes: string[] }[]>(
      `select c.id, c.title, c.type, c.summary,
         coalesce(array(select t.name from content_theme ct join theme t on t.id = ct.theme_id where ct.content_id = c.id order by t.name), '{}') as themes
       from content c where c.id = any(?::uuid[])`,
      [uuidArray(items)],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    const toItem = (id: string): DigestEmailItem => {
      const row = byId.get(id)!;
      return { title: row.title, type: row.type, themes: row.themes, summary: row.summary, url: links.clickUrl(digest.id, id) };
    };
    const unsubscribeUrl = links.unsubscribeUrl(digest.memberId);
    const rendered = await renderDigestEmail({
      communityName,
      memberName: member.display_name,
      hot: items.slice(0, hotCount).map(toItem),
      cold: items.slice(hotCount).map(toItem),
      preferencesUrl: links.preferencesUrl(),
      unsubscribeUrl,
    });
    return {
      to: member.email,
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
