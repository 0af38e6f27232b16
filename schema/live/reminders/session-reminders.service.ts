import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Clock } from '../../../server/clock';
import type { Orm } from '../../../server/db/orm';
import { sql, type Sql } from '../../../server/db/sql';
import { stableMessageId } from '../../../server/email-outbox';
import { sendClaimedBatch, type OutboxBatchLedger } from '../../../server/email-outbox-batch';
import type { Mailer } from '../../../server/mailer';
import type { HearthPubSub } from '../../../server/pubsub';
import type { EmailLinks } from '../../engagement/email-links';
import { NotificationKind } from '../../notification/notification-kind';
import { NotificationWriter } from '../../notification/notification-writer';
import { composeSessionEmail, type SessionEmailClaim } from './session-email.compose';
import { SessionEmailKind } from './session-reminder.entity';
import type { Locale } from '../../../server/i18n/i18n';

export interface SessionRemindersOptions {
  orm: Orm;
  mailer: Mailer;
  pubSub: HearthPubSub;
  clock: Clock;
  logger: Logger;
  links: EmailLinks;
  publicUrl: string;
  communityName: string;
  /** The language and IANA zone of members who chose none (COMMUNITY_LOCALE, COMMUNITY_TIMEZONE). */
  communityLocale: Locale;
  communityTimezone: string;
  mailFrom: string;
  /** How long a claimed, unsent email belongs to the worker that claimed it; then anyone re-sends it. */
  leaseMs: number;
  /** How often a run renews its claim while the SMTP exchange lasts (default: a third of the lease, at most 5 s). */
  renewEveryMs?: number;
  /** Aborted when the worker stops: the run ends after the chunk in hand (the next run, on any worker, does the rest). */
  stopping?: AbortSignal;
}

export interface SendCounts {
  sent: number;
  failed: number;
}

/** A guard row this run owns, with what the email needs; `already_notified` only for a taken-over claim whose first owner got that far. */
interface Claim extends SessionEmailClaim {
  already_notified: boolean;
  /** When this run claimed the row: the claim is still ours while the row says so and the lease has not run out. */
  claimed_at: Date;
  /** The claim time that gives the row back: stale to the next run, not to this one (which would retry it at once, forever). */
  released_at: Date;
}

/** Rows claimed per statement: each chunk is sent right after its claim, well inside the lease. */
const CLAIM_CHUNK = 200;
/** A replay older than this gets no "you missed it": the first deploy must not mail an old backlog. */
const MISSED_WITHIN_DAYS = 7;
/** The most urgent first: a slow run must not hold up the 15-minute reminders behind replays. */
const ORDER: SessionEmailKind[] = [
  SessionEmailKind.REMINDER_15M,
  SessionEmailKind.REMINDER_24H,
  SessionEmailKind.REGISTERED,
  SessionEmailKind.REPLAY_MISSED,
];
/** Registrations older than this get no confirmation: the first deploy must not confirm every past registration. */
const CONFIRM_WITHIN = '1 hour';
/** The in-app SESSION_REMINDER notification goes with the reminders only. */
const NOTIFIED = new Set([SessionEmailKind.REMINDER_24H, SessionEmailKind.REMINDER_15M]);

/**
 * Who is due for each kind at `now`: active registrations of sessions in the kind's window. The
 * windows are written on starts_at so the (starts_at, id) index serves them.
 */
function dueWhere(kind: SessionEmailKind, now: Date): Sql {
  switch (kind) {
    case SessionEmailKind.REGISTERED:
      return sql`s.status in ('SCHEDULED', 'LIVE') and s.ends_at > ${now}::timestamptz
        and r.registered_at > ${now}::timestamptz - ${CONFIRM_WITHIN}::interval`;
    case SessionEmailKind.REMINDER_24H:
      // Registered inside the last 24 hours: they just signed up, the 15-minute reminder is enough.
      return sql`s.status in ('SCHEDULED', 'LIVE')
        and s.starts_at > ${now}::timestamptz + interval '15 minutes' and s.starts_at <= ${now}::timestamptz + interval '24 hours'
        and r.registered_at < s.starts_at - interval '24 hours'`;
    case SessionEmailKind.REMINDER_15M:
      return sql`s.status in ('SCHEDULED', 'LIVE') and s.starts_at > ${now}::timestamptz and s.starts_at <= ${now}::timestamptz + interval '15 minutes'`;
    case SessionEmailKind.REPLAY_MISSED:
      // An optional follow-up, not a confirmation of what they asked for: it honours the digest opt-out.
      return sql`s.status = 'ENDED' and s.replay_id is not null
        and coalesce(s.ended_at, s.ends_at) > ${now}::timestamptz - make_interval(days => ${MISSED_WITHIN_DAYS}::int)
        and exists (select 1 from content c where c.id = s.replay_id and c.status = 'PUBLISHED')
        and exists (select 1 from member m where m.id = r.member_id and m.digest_emails)
        and not exists (select 1 from attendance_segment a where a.session_id = s.id and a.member_id = r.member_id)`;
  }
}

/**
 * Claims up to CLAIM_CHUNK due emails in one statement: a new guard row (`on conflict do nothing`:
 * of two workers, one wins), or an unsent row whose claim is older than the lease (a crashed or
 * failed send), taken over only if nobody else took it first (same previous claimed_at).
 */
function claimSql(kind: SessionEmailKind, now: Date, staleBefore: Date): Sql {
  return sql`
    with due as (
      select s.id as session_id, r.member_id, s.starts_at, sr.claimed_at as previous_claim
        from live_session s
        join session_registration r on r.session_id = s.id and r.cancelled_at is null
        left join session_reminder sr on sr.session_id = s.id and sr.member_id = r.member_id and sr.kind = ${kind} and sr.starts_at = s.starts_at
       where ${dueWhere(kind, now)}
         and (sr.session_id is null or (sr.sent_at is null and sr.claimed_at < ${staleBefore}::timestamptz))
       order by s.starts_at, s.id, r.member_id
       limit ${CLAIM_CHUNK}
    ), fresh as (
      insert into session_reminder (session_id, member_id, kind, starts_at, claimed_at)
      select session_id, member_id, ${kind}::text, starts_at, ${now}::timestamptz from due where previous_claim is null
      on conflict do nothing
      returning session_id, member_id, starts_at, null::timestamptz as previous_claim
    ), taken_over as (
      update session_reminder sr set claimed_at = ${now}::timestamptz
        from due
       where sr.session_id = due.session_id and sr.member_id = due.member_id and sr.kind = ${kind} and sr.starts_at = due.starts_at
         and sr.sent_at is null and sr.claimed_at = due.previous_claim
      returning sr.session_id, sr.member_id, sr.starts_at, due.previous_claim
    ), claimed as (select * from fresh union all select * from taken_over)
    select c.session_id, c.member_id, c.starts_at, s.ends_at, s.started_at, s.updated_at, s.title, s.description, s.replay_id, m.email, m.display_name, m.locale, m.time_zone,
           array(select sm.display_name from live_session_speaker sp join member sm on sm.id = sp.member_id
                  where sp.session_id = s.id order by sm.display_name) as speakers,
           exists (select 1 from notification n where n.recipient_id = c.member_id and n.subject_id = c.session_id
                     and n.kind = ${NotificationKind.SESSION_REMINDER} and n.created_at >= c.previous_claim) as already_notified
      from claimed c join live_session s on s.id = c.session_id join member m on m.id = c.member_id`;
}

/** One Message-ID per guard row: a re-sent email (taken-over claim) is recognisably the same message. */
export function sessionEmailMessageId(kind: SessionEmailKind, sessionId: string, memberId: string, startsAt: Date): string {
  return stableMessageId(`session-${kind.toLowerCase().replace(/_/g, '-')}`, kind, sessionId, memberId, startsAt.toISOString());
}

/**
 * A confirmation of each new registration, reminders 24 hours and 15 minutes before a session,
 * and "you missed it" once its replay is out, each sent once per registrant and start time (with
 * the outbox's one resend window: see sendClaimedBatch). The guard is a session_reminder row keyed by
 * (session, member, kind, starts_at): moving a session makes new keys (reminders for the new time,
 * none left for the old one), and a run repeated or racing another finds the rows taken.
 * A claimed row is notified, then sent through the outbox with a fixed Message-ID and marked sent;
 * one left unsent (crash, SMTP refusal) is taken over after the lease while its window is still open.
 */
export class SessionReminders {
  constructor(private readonly options: SessionRemindersOptions) {}

  async run(): Promise<Record<SessionEmailKind, SendCounts>> {
    const counts = {} as Record<SessionEmailKind, SendCounts>;
    // Rows claimed during this run are never stale to it, so the loop ends even with a zero lease.
    const staleBefore = new Date(this.options.clock.now().getTime() - this.options.leaseMs);
    for (const kind of ORDER) {
      counts[kind] = { sent: 0, failed: 0 };
      while (!this.options.stopping?.aborted) {
        const claims = await this.claim(kind, staleBefore);
        if (!claims.length) break;
        if (NOTIFIED.has(kind)) await this.notify(claims);
        const outcome = await this.sendAll(kind, claims);
        counts[kind].sent += outcome.sent;
        counts[kind].failed += outcome.failed;
      }
    }
    return counts;
  }

  private async claim(kind: SessionEmailKind, staleBefore: Date): Promise<Claim[]> {
    const now = this.options.clock.now();
    const query = claimSql(kind, now, staleBefore);
    const rows = await this.fork().execute<Omit<Claim, 'claimed_at' | 'released_at'>[]>(query.text, [...query.params]);
    const date = (value: Date | string | null) => (value === null ? null : new Date(value));
    return rows.map((row) => ({
      ...row,
      starts_at: new Date(row.starts_at),
      ends_at: new Date(row.ends_at),
      started_at: date(row.started_at),
      updated_at: new Date(row.updated_at),
      claimed_at: now,
      released_at: staleBefore,
    }));
  }

  /** The notification goes with the first claim; a taken-over claim adds one only if the first never got written. */
  private async notify(claims: Claim[]): Promise<void> {
    const { pubSub, clock } = this.options;
    const items = claims
      .filter((claim) => !claim.already_notified)
      .map((claim) => ({
        recipientId: claim.member_id,
        kind: NotificationKind.SESSION_REMINDER,
        actorId: null,
        subjectId: claim.session_id,
        subjectTitle: claim.title,
      }));
    await new NotificationWriter(this.fork(), pubSub, clock).notify(items);
  }

  /**
   * One round's claims through the outbox (sendClaimedBatch), as digests go: leases renewed while
   * the round lasts, each email sent with its fixed Message-ID and recorded once the relay took it;
   * one refused, or never attempted (the worker stopping, the relay down), is given back for the
   * next run. Renewals and records are one statement per claim (a round is at most a claim batch).
   */
  private async sendAll(kind: SessionEmailKind, claims: Claim[]): Promise<SendCounts> {
    const messageId = (claim: Claim) => sessionEmailMessageId(kind, claim.session_id, claim.member_id, claim.starts_at);
    const kept = async (held: readonly Claim[], keep: (claim: Claim) => Promise<boolean>) =>
      new Set((await Promise.all(held.map(async (claim) => ((await keep(claim)) ? [claim] : [])))).flat());
    const giveBack = async (claim: Claim) => {
      await this.release(kind, claim);
      return true;
    };
    const ledger: OutboxBatchLedger<Claim> = {
      renewAll: (held) => kept(held, (claim) => this.holdClaim(kind, claim)),
      recordSentAll: (sent) => kept(sent, (claim) => this.recordSent(kind, claim, messageId(claim))),
      // Unsent: the claim is given back, so the next run (a minute later) sends it, same Message-ID.
      recordFailure: giveBack,
      recordNothingToSend: giveBack, // a session email always has something to say: not reached
      releaseAll: async (unsent) => void (await Promise.all(unsent.map(giveBack))),
    };
    const outcomes = await sendClaimedBatch(this.options, {
      claims,
      ledger,
      compose: (claim) => composeSessionEmail(kind, claim, messageId(claim), this.options, this.options.clock.now()),
      label: 'session email',
      context: (claim) => ({ kind, sessionId: claim.session_id, memberId: claim.member_id }),
      stop: () => this.options.stopping?.aborted ?? false,
    });
    return {
      sent: outcomes.filter((outcome) => outcome === 'sent').length,
      failed: outcomes.filter((outcome) => outcome === 'failed' || outcome === 'relay_unavailable').length,
    };
  }

  private async recordSent(kind: SessionEmailKind, claim: Claim, messageId: string): Promise<boolean> {
    await this.fork().execute(
      `update session_reminder set sent_at = ?, message_id = ?
        where session_id = ? and member_id = ? and kind = ? and starts_at = ? and sent_at is null`,
      [this.options.clock.now(), messageId, claim.session_id, claim.member_id, kind, claim.starts_at],
    );
    return true;
  }

  /**
   * Gives an unsent claim back: a claim time a lease old makes the next run take it over (and
   * `already_notified` then finds the notification written with it, so none is added).
   */
  private async release(kind: SessionEmailKind, claim: Claim): Promise<void> {
    await this.fork().execute(
      `update session_reminder set claimed_at = ?
        where session_id = ? and member_id = ? and kind = ? and starts_at = ? and sent_at is null and claimed_at = ?`,
      [claim.released_at, claim.session_id, claim.member_id, kind, claim.starts_at, claim.claimed_at],
    );
  }

  /** Renews the claim if it is still this run's and its lease has not run out (the outbox's renewAll). */
  private async holdClaim(kind: SessionEmailKind, claim: Claim): Promise<boolean> {
    const now = this.options.clock.now();
    const renewed = await this.fork().execute<{ session_id: string }[]>(
      `update session_reminder set claimed_at = ?
        where session_id = ? and member_id = ? and kind = ? and starts_at = ? and sent_at is null
          and claimed_at = ? and claimed_at > ? returning session_id`,
      [now, claim.session_id, claim.member_id, kind, claim.starts_at, claim.claimed_at, new Date(now.getTime() - this.options.leaseMs)],
    );
    if (!renewed.length) return false;
    claim.claimed_at = now;
    return true;
  }

  private fork(): EntityManager {
    return this.options.orm.em.fork() as EntityManager;
  }
}
