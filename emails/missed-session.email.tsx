import { Text } from '@react-email/text';
import { translator } from '../server/i18n/i18n';
import { EmailFooter, EmailFrame, greeting } from './layout';
import { defineEmail, renderTemplate, type RenderedTemplate as RenderedEmailWithSubject } from './email-template';
import { PREVIEW_SESSION, SessionCard, sessionEmailStyles as styles, sessionWhen, type SessionDetails } from './session-reminder.email';

export interface MissedSessionEmailProps extends SessionDetails {
  communityName: string;
  /** The member's display name; they are greeted by its first word. */
  memberName: string;
  /** The replay, through `/r/` so the click and the visit it brings are attributed to this email. */
  replayUrl: string;
  preferencesUrl: string;
  unsubscribeUrl: string;
}

export const missedSessionPreview = ({ sessionTitle, locale }: MissedSessionEmailProps) =>
  translator(locale)('session.missed.preview', { title: sessionTitle });

/** `startsAt` here is when the session actually started (its scheduled start if it never reported one). */
export function MissedSessionEmail(props: MissedSessionEmailProps) {
  const { communityName, memberName, replayUrl, preferencesUrl, unsubscribeUrl, locale } = props;
  const t = translator(locale);
  return (
    <EmailFrame preview={missedSessionPreview(props)} communityName={communityName} locale={locale}>
      <Text style={styles.text}>{greeting(memberName, locale)}</Text>
      <Text style={styles.text}>{t('session.missed.intro')}</Text>
      <SessionCard
        details={props}
        when={t('session.missed.heldOn', { when: sessionWhen(props) })}
        href={replayUrl}
        action={t('session.missed.action')}
      />
      <EmailFooter
        reason={t('session.missed.reason', { community: communityName })}
        preferencesUrl={preferencesUrl}
        unsubscribeUrl={unsubscribeUrl}
        locale={locale}
      />
    </EmailFrame>
  );
}

MissedSessionEmail.PreviewProps = {
  ...PREVIEW_SESSION,
  startsAt: new Date('2026-03-10T10:04:00Z'),
  sentAt: new Date('2026-03-10T12:00:00Z'),
  replayUrl: 'https://community.example.com/r/preview-replay-token',
  preferencesUrl: 'https://community.example.com/settings/email',
  unsubscribeUrl: 'https://community.example.com/unsubscribe/preview',
} satisfies MissedSessionEmailProps;

export default MissedSessionEmail;

export function missedSessionSubject({ sessionTitle, locale }: Pick<MissedSessionEmailProps, 'sessionTitle' | 'locale'>): string {
  return translator(locale)('session.missed.subject', { title: sessionTitle });
}

export const missedSessionEmail = defineEmail<MissedSessionEmailProps>({
  name: 'missed-session',
  Component: MissedSessionEmail,
  subject: missedSessionSubject,
  preview: missedSessionPreview,
  PreviewProps: MissedSessionEmail.PreviewProps,
});

export const renderMissedSessionEmail = (props: MissedSessionEmailProps): Promise<RenderedEmailWithSubject> =>
  renderTemplate(missedSessionEmail, props);
