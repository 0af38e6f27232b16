import { Hr } from '@react-email/hr';
import { Text } from '@react-email/text';
import { translator } from '../server/i18n/i18n';
import { EmailFrame, greeting } from './layout';
import { defineEmail, renderTemplate, type RenderedTemplate as RenderedEmailWithSubject } from './email-template';
import { PREVIEW_SESSION, SessionCard, sessionEmailStyles as styles, sessionWhen, type SessionDetails } from './session-reminder.email';

export interface RegistrationConfirmationEmailProps extends SessionDetails {
  communityName: string;
  /** The member's display name; they are greeted by its first word. */
  memberName: string;
  /** The session's page, where they join when it starts. */
  sessionUrl: string;
}

export const registrationConfirmationPreview = (props: RegistrationConfirmationEmailProps) =>
  translator(props.locale)('session.registered.preview', { title: props.sessionTitle, startsAt: sessionWhen(props) });

/** Sent once a member registers: what they registered for, when, and the calendar event attached. */
export function RegistrationConfirmationEmail(props: RegistrationConfirmationEmailProps) {
  const { communityName, memberName, sessionUrl, locale } = props;
  const t = translator(locale);
  return (
    <EmailFrame preview={registrationConfirmationPreview(props)} communityName={communityName} locale={locale}>
      <Text style={styles.text}>{greeting(memberName, locale)}</Text>
      <Text style={styles.text}>{t('session.registered.intro')}</Text>
      <SessionCard details={props} when={sessionWhen(props)} href={sessionUrl} action={t('session.registered.action')} />
      <Hr style={styles.rule} />
      <Text style={styles.footer}>{t('session.registered.footer', { community: communityName })}</Text>
    </EmailFrame>
  );
}

RegistrationConfirmationEmail.PreviewProps = {
  ...PREVIEW_SESSION,
  sessionUrl: 'https://community.example.com/live/6f1c2a4e-0b7d-4c1e-9a55-2d3f4e5a6b7c',
} satisfies RegistrationConfirmationEmailProps;

export default RegistrationConfirmationEmail;

export function registrationConfirmationSubject({
  sessionTitle,
  locale,
}: Pick<RegistrationConfirmationEmailProps, 'sessionTitle' | 'locale'>): string {
  return translator(locale)('session.registered.subject', { title: sessionTitle });
}

export const registrationConfirmationEmail = defineEmail<RegistrationConfirmationEmailProps>({
  name: 'registration-confirmation',
  Component: RegistrationConfirmationEmail,
  subject: registrationConfirmationSubject,
  preview: registrationConfirmationPreview,
  PreviewProps: RegistrationConfirmationEmail.PreviewProps,
});

export const renderRegistrationConfirmationEmail = (props: RegistrationConfirmationEmailProps): Promise<RenderedEmailWithSubject> =>
  renderTemplate(registrationConfirmationEmail, props);
