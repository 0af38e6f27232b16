import { renderMissedSessionEmail } from '../../../emails/missed-session.email';
import { renderRegistrationConfirmationEmail } from '../../../emails/registration-confirmation.email';
import { renderSessionReminderEmail } from '../../../emails/session-reminder.email';
import type { OutgoingEmail } from '../../../server/mailer';
import { unsubscribeMailbox } from '../../engagement/digest-sender';
import type { EmailLinks } from '../../engagement/email-links';
import { sessionCalendar } from './session-calendar';
import { SessionEmailKind } from './session-reminder.entity';

/** A claimed session email: the session and the registrant, as the claim statement reads them. */
export interface SessionEmailClaim {
  session_id: string;
  member_id: string;
  starts_at: Date;
  ends_at: Date;
  /** When LiveKit reported the room started; null if it never did. */
  started_at: Date | null;
  updated_at: Date;
  title: string;
  description: string;
  speakers: string[];
  replay_id: string | null;
  email: string;
  display_name: string;
}

export interface SessionEmailSettings {
  publicUrl: string;
  communityName: string;
  communityTimezone: string;
  mailFrom: string;
  links: EmailLinks;
}

/** "in 24 hours", "in 15 minutes": from when the email actually leaves, so a late run still tells the truth. */
export function startsInLabel(startsAt: Date, now: Date): string {
  const minutes = Math.max(1, Math.round((startsAt.getTime() - now.getTime()) / 60_000));
  if (minutes < 60) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  return `in ${hours} hour${hours === 1 ? '' : 's'}`;
}

export function formatSessionTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short',
  }).format(at);
}

/** The calendar event every email before the session carries. */
function calendarAttachment(claim: SessionEmailClaim, settings: SessionEmailSettings) {
  const content = sessionCalendar({
    sessionId: claim.session_id,
    title: claim.title,
    description: claim.description,
    startsAt: claim.starts_at,
    endsAt: claim.ends_at,
    url: `${settings.publicUrl}/live/${claim.session_id}`,
    updatedAt: claim.updated_at,
    communityName: settings.communityName,
  });
  return { filename: 'session.ics', content, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' };
}

/** The email of `kind` for a claim: confirmation and reminders (transactional, with the calendar event), or "you missed it". */
export async function composeSessionEmail(kind: SessionEmailKind, claim: SessionEmailClaim, messageId: string, settings: SessionEmailSettings, now: Date): Promise<OutgoingEmail> {
  const { publicUrl, communityName, communityTimezone, mailFrom, links } = settings;
  const details = { communityName, memberName: claim.display_name, sessionTitle: claim.title, description: claim.description, speakers: claim.speakers };
  const envelope = { to: claim.email, from: mailFrom, messageId };
  const sessionUrl = `${publicUrl}/live/${claim.session_id}`;
  const startsAt = formatSessionTime(claim.starts_at, communityTimezone);
  if (kind === SessionEmailKind.REGISTERED || kind === SessionEmailKind.REMINDER_24H || kind === SessionEmailKind.REMINDER_15M) {
    const rendered =
      kind === SessionEmailKind.REGISTERED
        ? await renderRegistrationConfirmationEmail({ ...details, startsAt, sessionUrl })
        : await renderSessionReminderEmail({ ...details, startsAt, startsIn: startsInLabel(claim.starts_at, now), joinUrl: sessionUrl });
    return { ...envelope, ...rendered, attachments: [calendarAttachment(claim, settings)], headers: { 'X-Hearth-Session': claim.session_id } };
  }
  const unsubscribeUrl = links.unsubscribeUrl(claim.member_id);
  const rendered = await renderMissedSessionEmail({
    ...details,
    // "Held on": when it actually took place.
    startsAt: formatSessionTime(claim.started_at ?? claim.starts_at, communityTimezone),
    replayUrl: links.sessionClickUrl(claim.session_id, claim.member_id, claim.replay_id!),
    preferencesUrl: links.preferencesUrl(),
    unsubscribeUrl,
  });
  return {
    ...envelope,
    ...rendered,
    headers: {
      'List-Unsubscribe': `<${unsubscribeUrl}>, <mailto:${unsubscribeMailbox(mailFrom)}?subject=unsubscribe>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'X-Hearth-Session': claim.session_id,
    },
  };
}
