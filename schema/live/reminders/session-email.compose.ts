import { renderMissedSessionEmail } from '../../../emails/missed-session.email';
import { renderRegistrationConfirmationEmail } from '../../../emails/registration-confirmation.email';
import { renderSessionReminderEmail } from '../../../emails/session-reminder.email';
import type { OutgoingEmail } from '../../../server/mailer';
import { readerLocale, type Locale } from '../../../server/i18n/i18n';
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
  /** The member's own language and zone; null: the community's. */
  locale: string | null;
  time_zone: string | null;
}

export interface SessionEmailSettings {
  publicUrl: string;
  communityName: string;
  communityLocale: Locale;
  communityTimezone: string;
  mailFrom: string;
  links: EmailLinks;
}

/** The community's own pages (not an email): in English and the community's zone. */
export function formatSessionTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
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
export async function composeSessionEmail(
  kind: SessionEmailKind,
  claim: SessionEmailClaim,
  messageId: string,
  settings: SessionEmailSettings,
  now: Date,
): Promise<OutgoingEmail> {
  const { publicUrl, communityName, mailFrom, links } = settings;
  const details = {
    ...readerLocale({ locale: claim.locale, timeZone: claim.time_zone }, settings),
    communityName,
    memberName: claim.display_name,
    sessionTitle: claim.title,
    description: claim.description,
    speakers: claim.speakers,
    startsAt: claim.starts_at,
    sentAt: now,
  };
  const envelope = { to: claim.email, from: mailFrom, messageId };
  const sessionUrl = `${publicUrl}/live/${claim.session_id}`;
  if (kind === SessionEmailKind.REGISTERED || kind === SessionEmailKind.REMINDER_24H || kind === SessionEmailKind.REMINDER_15M) {
    const rendered =
      kind === SessionEmailKind.REGISTERED
        ? await renderRegistrationConfirmationEmail({ ...details, sessionUrl })
        : await renderSessionReminderEmail({ ...details, joinUrl: sessionUrl });
    return {
      ...envelope,
      ...rendered,
      attachments: [calendarAttachment(claim, settings)],
      headers: { 'X-Hearth-Session': claim.session_id },
    };
  }
  const unsubscribeUrl = links.unsubscribeUrl(claim.member_id);
  const rendered = await renderMissedSessionEmail({
    ...details,
    // "Held on": when it actually took place.
    startsAt: claim.started_at ?? claim.starts_at,
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
