import { Button, Heading, Hr, Text } from '@react-email/components';
import { createElement } from 'react';
import { baseStyles, EmailFrame } from './layout';
import { renderEmail, type RenderedEmailWithSubject } from './render';

export interface SessionReminderEmailProps {
  communityName: string;
  memberName: string;
  sessionTitle: string;
  /** The start, already formatted in the community's time zone ("Tuesday, 10 March 2026 at 11:00 CET"). */
  startsAt: string;
  /** How soon, from when the email leaves: "in 24 hours", "in 15 minutes". */
  startsIn: string;
  joinUrl: string;
}

/** A session in a session email: its title, when, and the one action. */
export function SessionCard({ title, when, href, action }: { title: string; when: string; href: string; action: string }) {
  return (
    <>
      <Heading as="h2" style={styles.title}>
        {title}
      </Heading>
      <Text style={styles.when}>{when}</Text>
      <Button href={href} style={styles.button}>
        {action}
      </Button>
    </>
  );
}

export function SessionReminderEmail({ communityName, memberName, sessionTitle, startsAt, startsIn, joinUrl }: SessionReminderEmailProps) {
  return (
    <EmailFrame preview={`${sessionTitle} starts ${startsIn}`} communityName={communityName}>
      <Text style={styles.text}>Hi {memberName},</Text>
      <Text style={styles.text}>The live session you registered for starts {startsIn}:</Text>
      <SessionCard title={sessionTitle} when={startsAt} href={joinUrl} action="Join the session" />
      <Hr style={styles.rule} />
      <Text style={styles.footer}>You receive this reminder because you registered for this session in {communityName}.</Text>
    </EmailFrame>
  );
}

SessionReminderEmail.PreviewProps = {
  communityName: 'Growth Marketing Circle',
  memberName: 'Camille',
  sessionTitle: 'Pipeline reviews that work',
  startsAt: 'Tuesday, 10 March 2026 at 11:00 CET',
  startsIn: 'in 24 hours',
  joinUrl: 'https://community.example.com/live/6f1c2a4e-0b7d-4c1e-9a55-2d3f4e5a6b7c',
} satisfies SessionReminderEmailProps;

export default SessionReminderEmail;

export function sessionReminderSubject({ sessionTitle, startsIn }: Pick<SessionReminderEmailProps, 'sessionTitle' | 'startsIn'>): string {
  return `${sessionTitle} starts ${startsIn}`;
}

export async function renderSessionReminderEmail(props: SessionReminderEmailProps): Promise<RenderedEmailWithSubject> {
  const { html, text } = await renderEmail(createElement(SessionReminderEmail, props));
  return { subject: sessionReminderSubject(props), html, text };
}

export const sessionEmailStyles = {
  ...baseStyles,
  text: { color: '#18181b', fontSize: '16px', lineHeight: '24px', margin: '0 0 8px' },
  title: { color: '#18181b', fontSize: '18px', fontWeight: 600, margin: '16px 0 4px' },
  when: { color: '#3f3f46', fontSize: '14px', margin: '0 0 20px' },
  button: { backgroundColor: '#1d4ed8', borderRadius: '6px', color: '#ffffff', fontSize: '16px', fontWeight: 600, padding: '12px 20px', textDecoration: 'none' },
};

const styles = sessionEmailStyles;
