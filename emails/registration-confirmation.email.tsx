import { Hr, Text } from '@react-email/components';
import { EmailFrame, firstName } from './layout';
import { defineEmail, renderTemplate, type RenderedTemplate as RenderedEmailWithSubject } from './email-template';
import { PREVIEW_SESSION, SessionCard, sessionEmailStyles as styles, type SessionDetails } from './session-reminder.email';

export interface RegistrationConfirmationEmailProps extends SessionDetails {
  communityName: string;
  /** The member's display name; they are greeted by its first word. */
  memberName: string;
  /** The session's page, where they join when it starts. */
  sessionUrl: string;
}

export const registrationConfirmationPreview = ({ sessionTitle, startsAt }: RegistrationConfirmationEmailProps) => `You are registered: ${sessionTitle}, ${startsAt}`;

/** Sent once a member registers: what they registered for, when, and the calendar event attached. */
export function RegistrationConfirmationEmail(props: RegistrationConfirmationEmailProps) {
  const { communityName, memberName, startsAt, sessionUrl } = props;
  return (
    <EmailFrame preview={registrationConfirmationPreview(props)} communityName={communityName}>
      <Text style={styles.text}>Hi {firstName(memberName)},</Text>
      <Text style={styles.text}>You are registered for this live session. We will send you a reminder before it starts.</Text>
      <SessionCard details={props} when={startsAt} href={sessionUrl} action="See the session" />
      <Hr style={styles.rule} />
      <Text style={styles.footer}>
        The attached invitation adds the session to your calendar. You receive this email because you registered in {communityName}; cancel
        your registration from the session’s page.
      </Text>
    </EmailFrame>
  );
}

RegistrationConfirmationEmail.PreviewProps = {
  ...PREVIEW_SESSION,
  sessionUrl: 'https://community.example.com/live/6f1c2a4e-0b7d-4c1e-9a55-2d3f4e5a6b7c',
} satisfies RegistrationConfirmationEmailProps;

export default RegistrationConfirmationEmail;

export function registrationConfirmationSubject({ sessionTitle }: Pick<RegistrationConfirmationEmailProps, 'sessionTitle'>): string {
  return `You are registered: ${sessionTitle}`;
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
