import { Text } from '@react-email/components';
import { EmailFooter, EmailFrame, firstName } from './layout';
import { defineEmail, renderTemplate, type RenderedTemplate as RenderedEmailWithSubject } from './email-template';
import { PREVIEW_SESSION, SessionCard, sessionEmailStyles as styles, type SessionDetails } from './session-reminder.email';

export interface MissedSessionEmailProps extends SessionDetails {
  communityName: string;
  /** The member's display name; they are greeted by its first word. */
  memberName: string;
  /** The replay, through `/r/` so the click and the visit it brings are attributed to this email. */
  replayUrl: string;
  preferencesUrl: string;
  unsubscribeUrl: string;
}

export const missedSessionPreview = ({ sessionTitle }: MissedSessionEmailProps) => `You missed ${sessionTitle}: the replay is ready`;

/** `startsAt` here is when the session actually started (its scheduled start if it never reported one). */
export function MissedSessionEmail(props: MissedSessionEmailProps) {
  const { communityName, memberName, startsAt, replayUrl, preferencesUrl, unsubscribeUrl } = props;
  return (
    <EmailFrame preview={missedSessionPreview(props)} communityName={communityName}>
      <Text style={styles.text}>Hi {firstName(memberName)},</Text>
      <Text style={styles.text}>You registered for this live session but could not make it. The replay is ready:</Text>
      <SessionCard details={props} when={`Held on ${startsAt}`} href={replayUrl} action="Watch the replay" />
      <EmailFooter
        reason={`You receive this because you registered for this session in ${communityName}.`}
        preferencesUrl={preferencesUrl}
        unsubscribeUrl={unsubscribeUrl}
      />
    </EmailFrame>
  );
}

MissedSessionEmail.PreviewProps = {
  ...PREVIEW_SESSION,
  startsAt: 'Tuesday, 10 March 2026 at 11:04 CET',
  replayUrl: 'https://community.example.com/r/preview-replay-token',
  preferencesUrl: 'https://community.example.com/settings/email',
  unsubscribeUrl: 'https://community.example.com/unsubscribe/preview',
} satisfies MissedSessionEmailProps;

export default MissedSessionEmail;

export function missedSessionSubject({ sessionTitle }: Pick<MissedSessionEmailProps, 'sessionTitle'>): string {
  return `You missed "${sessionTitle}": the replay is ready`;
}

export const missedSessionEmail = defineEmail<MissedSessionEmailProps>({
  name: 'missed-session',
  Component: MissedSessionEmail,
  subject: missedSessionSubject,
  preview: missedSessionPreview,
  PreviewProps: MissedSessionEmail.PreviewProps,
});

export const renderMissedSessionEmail = (props: MissedSessionEmailProps): Promise<RenderedEmailWithSubject> => renderTemplate(missedSessionEmail, props);
