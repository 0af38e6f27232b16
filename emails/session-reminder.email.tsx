import { Heading } from '@react-email/heading';
import { Hr } from '@react-email/hr';
import { Text } from '@react-email/text';
import { formatDateTime, formatList, startsInLabel } from '../server/i18n/datetime';
import { translator, type Locale, type ReaderLocale } from '../server/i18n/i18n';
import { shorten } from '../server/text';
import { baseStyles, CallToAction, EmailFrame, greeting } from './layout';
import { defineEmail, renderTemplate, type RenderedTemplate as RenderedEmailWithSubject } from './email-template';

/** What every session email says about the session, and to whom (their language and time zone). */
export interface SessionDetails extends ReaderLocale {
  sessionTitle: string;
  /** When it starts; shown in the reader's zone ("jeudi 10 décembre à 10:00 (heure de Paris)"). */
  startsAt: Date;
  /** When the email leaves: "starts in 15 minutes" counts from it, and the year is named only when it differs. */
  sentAt: Date;
  /** The session's description, as plain text (its Markdown shown as written). */
  description: string;
  /** Who speaks, by display name. */
  speakers: string[];
}

export interface SessionReminderEmailProps extends SessionDetails {
  communityName: string;
  /** The member's display name; they are greeted by its first word. */
  memberName: string;
  joinUrl: string;
}

const DESCRIPTION_MAX = 600;

/** A description short enough for an email: the rest is on the session's page. */
export const descriptionExcerpt = (description: string) => shorten(description, DESCRIPTION_MAX);

export const speakersLine = (speakers: string[], locale: Locale) =>
  speakers.length ? translator(locale)('session.speakers', { speakers: formatList(speakers, locale) }) : '';

/** "Thursday 10 December at 10:00 (Paris time)", as the reader reads it. */
export const sessionWhen = ({ startsAt, sentAt, locale, timeZone }: SessionDetails) =>
  formatDateTime(startsAt, { locale, timeZone }, sentAt);

/** A session in a session email: its title, when, who speaks, what it is about, and the one action. */
export function SessionCard({ details, when, href, action }: { details: SessionDetails; when: string; href: string; action: string }) {
  const description = descriptionExcerpt(details.description);
  return (
    <>
      <Heading as="h2" style={styles.title}>
        {details.sessionTitle}
      </Heading>
      <Text style={styles.when}>{when}</Text>
      {details.speakers.length ? <Text style={styles.speakers}>{speakersLine(details.speakers, details.locale)}</Text> : null}
      {description ? <Text style={styles.description}>{description}</Text> : null}
      <CallToAction href={href}>{action}</CallToAction>
    </>
  );
}

const startsIn = ({ startsAt, sentAt, locale }: SessionReminderEmailProps) => startsInLabel(startsAt, sentAt, locale);

export function sessionReminderSubject(props: SessionReminderEmailProps): string {
  return translator(props.locale)('session.reminder.subject', { title: props.sessionTitle, startsIn: startsIn(props) });
}

export const sessionReminderPreview = sessionReminderSubject;

export function SessionReminderEmail(props: SessionReminderEmailProps) {
  const { communityName, memberName, joinUrl, locale } = props;
  const t = translator(locale);
  return (
    <EmailFrame preview={sessionReminderPreview(props)} communityName={communityName} locale={locale}>
      <Text style={styles.text}>{greeting(memberName, locale)}</Text>
      <Text style={styles.text}>{t('session.reminder.intro', { startsIn: startsIn(props) })}</Text>
      <SessionCard details={props} when={sessionWhen(props)} href={joinUrl} action={t('session.reminder.action')} />
      <Hr style={styles.rule} />
      <Text style={styles.footer}>{t('session.reminder.footer', { community: communityName })}</Text>
    </EmailFrame>
  );
}

/** The session every session email's PreviewProps show. */
export const PREVIEW_SESSION = {
  locale: 'en' as Locale,
  timeZone: 'Europe/Paris',
  communityName: 'Growth Marketing Circle',
  memberName: 'Camille Martin',
  sessionTitle: 'Pipeline reviews that work',
  startsAt: new Date('2026-03-10T10:00:00Z'),
  sentAt: new Date('2026-03-09T10:00:00Z'),
  description:
    'Three revenue leaders on the weekly pipeline review they cut to 30 minutes, and the one report they all kept. Bring your questions.',
  speakers: ['Hugo Moreau', 'Nadia Silva'],
};

SessionReminderEmail.PreviewProps = {
  ...PREVIEW_SESSION,
  joinUrl: 'https://community.example.com/live/6f1c2a4e-0b7d-4c1e-9a55-2d3f4e5a6b7c',
} satisfies SessionReminderEmailProps;

export default SessionReminderEmail;

export const sessionReminderEmail = defineEmail<SessionReminderEmailProps>({
  name: 'session-reminder',
  Component: SessionReminderEmail,
  subject: sessionReminderSubject,
  preview: sessionReminderPreview,
  PreviewProps: SessionReminderEmail.PreviewProps,
});

export const renderSessionReminderEmail = (props: SessionReminderEmailProps): Promise<RenderedEmailWithSubject> =>
  renderTemplate(sessionReminderEmail, props);

export const sessionEmailStyles = {
  ...baseStyles,
  title: { color: '#18181b', fontSize: '18px', fontWeight: 600, margin: '16px 0 4px' },
  when: { color: '#3f3f46', fontSize: '14px', margin: '0 0 4px' },
  speakers: { color: '#3f3f46', fontSize: '14px', margin: '0 0 8px' },
  description: { color: '#3f3f46', fontSize: '14px', lineHeight: '20px', margin: '8px 0 20px', whiteSpace: 'pre-line' as const },
};

const styles = sessionEmailStyles;
