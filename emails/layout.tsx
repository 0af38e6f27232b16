import { Body } from '@react-email/body';
import { Button } from '@react-email/button';
import { Container } from '@react-email/container';
import { Head } from '@react-email/head';
import { Heading } from '@react-email/heading';
import { Hr } from '@react-email/hr';
import { Html } from '@react-email/html';
import { Link } from '@react-email/link';
import { Preview } from '@react-email/preview';
import { Text } from '@react-email/text';
import type { ReactNode } from 'react';
import { translator, type Locale } from '../server/i18n/i18n';

const font = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

/** The frame every Hearth email shares: page, card, community name, footer. */
export const baseStyles = {
  body: { backgroundColor: '#f4f4f5', fontFamily: font, margin: 0, padding: '24px 0' },
  // Long words and URLs wrap instead of widening the email on a phone.
  container: {
    backgroundColor: '#ffffff',
    borderRadius: '8px',
    maxWidth: '560px',
    margin: '0 auto',
    padding: '24px',
    overflowWrap: 'anywhere' as const,
    wordBreak: 'break-word' as const,
  },
  community: { color: '#18181b', fontSize: '20px', fontWeight: 700, margin: '0 0 16px' },
  rule: { borderColor: '#e4e4e7', margin: '24px 0 16px' },
  footer: { color: '#71717a', fontSize: '12px', lineHeight: '18px', margin: 0 },
  footerLink: { color: '#71717a', textDecoration: 'underline' },
  text: { color: '#18181b', fontSize: '16px', lineHeight: '24px', margin: '0 0 8px' },
  button: {
    backgroundColor: '#1d4ed8',
    borderRadius: '6px',
    color: '#ffffff',
    fontSize: '16px',
    fontWeight: 600,
    padding: '12px 20px',
    textDecoration: 'none',
  },
};

/** "Camille Martin" → "Camille": emails greet members by their first name. */
export function firstName(displayName: string): string {
  return displayName.trim().split(/\s+/)[0] || displayName;
}

/** "Hi Camille," / "Bonjour Camille,". */
export function greeting(displayName: string, locale: Locale): string {
  return translator(locale)('common.greeting', { name: firstName(displayName) });
}

/** The one main action of an email. */
export function CallToAction({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Button href={href} style={baseStyles.button}>
      {children}
    </Button>
  );
}

/** The page, the card and the community's name around an email's content. */
export function EmailFrame({
  preview,
  communityName,
  locale,
  children,
}: {
  preview: string;
  communityName: string;
  locale: Locale;
  children: ReactNode;
}) {
  return (
    <Html lang={locale}>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={baseStyles.body}>
        <Container style={baseStyles.container}>
          <Heading as="h1" style={baseStyles.community}>
            {communityName}
          </Heading>
          {children}
        </Container>
      </Body>
    </Html>
  );
}

export interface EmailFooterProps {
  /** Why the member receives this email, e.g. "You receive this digest as a member of X.", in their language. */
  reason: string;
  preferencesUrl: string;
  unsubscribeUrl: string;
  locale: Locale;
}

/** The footer of optional emails: why it came, email preferences and one-click unsubscribe. */
export function EmailFooter({ reason, preferencesUrl, unsubscribeUrl, locale }: EmailFooterProps) {
  const t = translator(locale);
  return (
    <>
      <Hr style={baseStyles.rule} />
      <Text style={baseStyles.footer}>
        {reason}{' '}
        <Link href={preferencesUrl} style={baseStyles.footerLink}>
          {t('common.emailPreferences')}
        </Link>
        {' · '}
        <Link href={unsubscribeUrl} style={baseStyles.footerLink}>
          {t('common.unsubscribe')}
        </Link>
      </Text>
    </>
  );
}
