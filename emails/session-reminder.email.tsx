import { Heading, Hr, Text } from '@react-email/components';
import { baseStyles, CallToAction, EmailFrame, firstName } from './layout';
import { defineEmail, renderTemplate, type RenderedTemplate as RenderedEmailWithSubject } from './email-template';

/** What every session email says about the session. */
export interface SessionDetails {
  sessionTitle: string;
  /** When, already formatted in the community's time zone ("Tuesday, 10 March 2026 at 11:00 CET"). */
  startsAt: string;
  /** The session's description, as plain text (its Markdown shown as written). */
  description: string;
  /** Who speaks, by display name. */
  speakers: string[];
}

export interface SessionReminderEmailProps extends SessionDetails {
  communityName: string;
  /** The member's display name; they are greeted by its first word. */
  memberName: string;
  /** How soon, from when the email leaves: "in 24 hours", "in 15 minutes". */
  startsIn: string;
  joinUrl: string;
}

const DESCRIPTION_MAX = 600;

/** A description short enough for an email: the rest is on the session's page. */
export const descriptionExcerpt = (description: string) =>
  description.length > DESCRIPTION_MAX ? `${description.slice(0, DESCRIPTION_MAX - 1).trimEnd()}…` : description;

export const speakersLine = (speakers: string[]) => (speakers.length ? `With ${speakers.join(', ')}` : '');

/** A session in a session email: its title, when, who speaks, what it is about, and the one action. */
export function SessionCard({ details, when, href, action }: { details: SessionDetails; when: string; href: string; action: string }) {
  const description = descriptionExcerpt(details.description);
  return (
    <>
      <Heading as="h2" style={styles.title}>
        {details.sessionTitle}
      </Heading>
      <Text style={styles.when}>{when}</Text>
      {details.speakers.length ? <Text style={styles.speakers}>{speakersLine(details.speakers)}</Text> : null}
      {description ? <Text style={styles.description}>{description}</Text> : null}
      <CallToAction href={href}>{action}</CallToAction>
    </>
  );
}

export const sessionReminderPreview = ({ sessionTitle, startsIn }: SessionReminderEmailProps) => `${sessionTitle} starts ${startsIn}`;

export function SessionReminderEmail(props: SessionReminderEmailProps) {
  const { communityName, memberName, startsAt, startsIn, joinUrl } = props;
  return (
    <EmailFrame preview={sessionReminderPreview(props)} communityName={communityName}>
      <Text style={styles.text}>Hi {firstName(memberName)},</Text>
      <Text style={styles.text}>The live session you registered for starts {startsIn}:</Text>
      <SessionCard details={props} when={startsAt} href={joinUrl} action="Join the session" />
      <Hr style={styles.rule} />
      <Text style={styles.footer}>
        You receive this reminder because you registered for this session in {communityName}. The attached invitation adds it to your calendar.
      </Text>
    </EmailFrame>
  );
}

/** The session every session email's PreviewProps show. */
export const PREVIEW_SESSION = {
  communityName: 'Growth Marketing Circle',
  memberName: 'Camille Martin',
  sessionTitle: 'Pipeline reviews that work',
  startsAt: 'Tuesday, 10 March 2026 at 11:00 CET',
  description: 'Three revenue leaders on the weekly pipeline review they cut to 30 minutes, and the one report they all kept. Bring your questions.',
  speakers: ['Hugo Moreau', 'Nadia Silva'],
};

SessionReminderEmail.PreviewProps = {
  ...PREVIEW_SESSION,
  startsIn: 'in 24 hours',
  joinUrl: 'https://community.example.com/live/6f1c2a4e-0b7d-4c1e-9a55-2d3f4e5a6b7c',
} satisfies SessionReminderEmailProps;

export default SessionReminderEmail;

export function sessionReminderSubject({ sessionTitle, startsIn }: Pick<SessionReminderEmailProps, 'sessionTitle' | 'startsIn'>): string {
  return `${sessionTitle} starts ${startsIn}`;
}

export const sessionReminderEmail = defineEmail<SessionReminderEmailProps>({
  name: 'session-reminder',
  Component: SessionReminderEmail,
  subject: sessionReminderSubject,
  preview: sessionReminderPreview,
  PreviewProps: SessionReminderEmail.PreviewProps,
});

export const renderSessionReminderEmail = (props: SessionReminderEmailProps): Promise<RenderedEmailWithSubject> => renderTemplate(sessionReminderEmail, props);

export const sessionEmailStyles = {
  ...baseStyles,
  title: { color: '#18181b', fontSize: '18px', fontWeight: 600, margin: '16px 0 4px' },
  when: { color: '#3f3f46', fontSize: '14px', margin: '0 0 4px' },
  speakers: { color: '#3f3f46', fontSize: '14px', margin: '0 0 8px' },
  description: { color: '#3f3f46', fontSize: '14px', lineHeight: '20px', margin: '8px 0 20px', whiteSpace: 'pre-line' as const },
};

const styles = sessionEmailStyles;
