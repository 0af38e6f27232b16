import { Text } from '@react-email/components';
import { createElement } from 'react';
import { EmailFooter, EmailFrame } from './layout';
import { renderEmail, type RenderedEmailWithSubject } from './render';
import { SessionCard, sessionEmailStyles as styles } from './session-reminder.email';

export interface MissedSessionEmailProps {
  communityName: string;
  memberName: string;
  sessionTitle: string;
  /** When it took place, already formatted in the community's time zone. */
  startsAt: string;
  replayUrl: string;
  preferencesUrl: string;
  unsubscribeUrl: string;
}

export function MissedSessionEmail(props: MissedSessionEmailProps) {
  const { communityName, memberName, sessionTitle, startsAt, replayUrl, preferencesUrl, unsubscribeUrl } = props;
  return (
    <EmailFrame preview={`You missed ${sessionTitle}: the replay is ready`} communityName={communityName}>
      <Text style={styles.text}>Hi {memberName},</Text>
      <Text style={styles.text}>You registered for this live session but could not make it. The replay is ready:</Text>
      <SessionCard title={sessionTitle} when={`Held on ${startsAt}`} href={replayUrl} action="Watch the replay" />
      <EmailFooter
        reason={`You receive this because you registered for this session in ${communityName}.`}
        preferencesUrl={preferencesUrl}
        unsubscribeUrl={unsubscribeUrl}
      />
    </EmailFrame>
  );
}

MissedSessionEmail.PreviewProps = {
  communityName: 'Growth Marketing Circle',
  memberName: 'Camille',
  sessionTitle: 'Pipeline reviews that work',
  startsAt: 'Tuesday, 10 March 2026 at 11:00 CET',
  replayUrl: 'https://community.example.com/content/0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f',
  preferencesUrl: 'https://community.example.com/settings/email',
  unsubscribeUrl: 'https://community.example.com/unsubscribe/preview',
} satisfies MissedSessionEmailProps;

export default MissedSessionEmail;

export function missedSessionSubject({ sessionTitle }: Pick<MissedSessionEmailProps, 'sessionTitle'>): string {
  return `You missed "${sessionTitle}": the replay is ready`;
}

export async function renderMissedSessionEmail(props: MissedSessionEmailProps): Promise<RenderedEmailWithSubject> {
  const { html, text } = await renderEmail(createElement(MissedSessionEmail, props));
  return { subject: missedSessionSubject(props), html, text };
}
