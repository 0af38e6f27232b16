import { Heading, Link, Section, Text } from '@react-email/components';
import { baseStyles, EmailFooter, EmailFrame } from './layout';

export interface DigestEmailItem {
  title: string;
  /** ContentType as stored: ARTICLE, VIDEO, PODCAST, DOCUMENT or REPLAY. */
  type: string;
  themes: string[];
  summary: string | null;
  url: string;
}

export interface DigestEmailProps {
  communityName: string;
  memberName: string;
  /** New content matching the member's interests. */
  hot: DigestEmailItem[];
  /** Older content the member has not opened yet. */
  cold: DigestEmailItem[];
  preferencesUrl: string;
  unsubscribeUrl: string;
}

const TYPE_LABELS: Record<string, string> = {
  ARTICLE: 'Article',
  VIDEO: 'Video',
  PODCAST: 'Podcast',
  DOCUMENT: 'Document',
  REPLAY: 'Webinar replay',
};

/** Unknown types still read well ("CASE_STUDY" → "Case study") if the enum grows before this map. */
export function contentTypeLabel(type: string): string {
  const known = TYPE_LABELS[type];
  if (known) return known;
  const words = type.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function previewText({ communityName, hot, cold }: DigestEmailProps): string {
  if (hot.length > 0) return `${hot.length} new for you in ${communityName}: ${hot[0].title}`;
  if (cold.length > 0) return `You may have missed in ${communityName}: ${cold[0].title}`;
  return `Your digest from ${communityName}`;
}

function DigestItem({ item }: { item: DigestEmailItem }) {
  const meta = [contentTypeLabel(item.type), ...item.themes].join(' · ');
  return (
    <Section style={styles.item}>
      <Text style={styles.meta}>{meta}</Text>
      <Link href={item.url} style={styles.itemTitle}>
        {item.title}
      </Link>
      {item.summary ? <Text style={styles.summary}>{item.summary}</Text> : null}
    </Section>
  );
}

function DigestSection({ heading, items }: { heading: string; items: DigestEmailItem[] }) {
  if (items.length === 0) return null;
  return (
    <Section style={styles.section}>
      <Heading as="h2" style={styles.sectionHeading}>
        {heading}
      </Heading>
      {items.map((item) => (
        <DigestItem key={item.url} item={item} />
      ))}
    </Section>
  );
}

export function DigestEmail(props: DigestEmailProps) {
  const { communityName, memberName, hot, cold, preferencesUrl, unsubscribeUrl } = props;
  return (
    <EmailFrame preview={previewText(props)} communityName={communityName}>
      <Text style={styles.greeting}>Hi {memberName},</Text>
      <DigestSection heading="New for you" items={hot} />
      <DigestSection heading="You may have missed" items={cold} />
      <EmailFooter reason={`You receive this digest as a member of ${communityName}.`} preferencesUrl={preferencesUrl} unsubscribeUrl={unsubscribeUrl} />
    </EmailFrame>
  );
}

/**
 * The plain-text part, written from the same props as the HTML rather than converted from it:
 * html-to-text cost twice the React render per digest, on the path that sends thousands.
 */
export function digestPlainText({ communityName, memberName, hot, cold, preferencesUrl, unsubscribeUrl }: DigestEmailProps): string {
  const section = (heading: string, items: DigestEmailItem[]) =>
    items.length === 0
      ? []
      : [
          heading.toUpperCase(),
          '',
          ...items.flatMap((item) => [
            `${[contentTypeLabel(item.type), ...item.themes].join(' · ')}`,
            item.title,
            ...(item.summary ? [item.summary] : []),
            item.url,
            '',
          ]),
        ];
  return [
    communityName,
    '',
    `Hi ${memberName},`,
    '',
    ...section('New for you', hot),
    ...section('You may have missed', cold),
    `You receive this digest as a member of ${communityName}.`,
    `Email preferences: ${preferencesUrl}`,
    `Unsubscribe: ${unsubscribeUrl}`,
  ].join('\n');
}

DigestEmail.PreviewProps = {
  communityName: 'Growth Marketing Circle',
  memberName: 'Camille',
  hot: [
    {
      title: 'Attribution models that survive a cookieless world',
      type: 'ARTICLE',
      themes: ['Analytics', 'Privacy'],
      summary: 'Four models compared on real B2B pipelines, and the one we kept after a year.',
      url: 'https://community.example.com/content/attribution-models',
    },
    {
      title: 'ABM playbook: from target list to first meeting',
      type: 'REPLAY',
      themes: ['ABM', 'Sales alignment'],
      summary: 'Replay of the March webinar with the Q&A session.',
      url: 'https://community.example.com/content/abm-playbook-replay',
    },
  ],
  cold: [
    {
      title: 'Pricing page teardown, episode 12',
      type: 'PODCAST',
      themes: ['Conversion'],
      summary: null,
      url: 'https://community.example.com/content/pricing-teardown-12',
    },
  ],
  preferencesUrl: 'https://community.example.com/settings/notifications',
  unsubscribeUrl: 'https://community.example.com/unsubscribe?token=preview',
} satisfies DigestEmailProps;

export default DigestEmail;

const styles = {
  ...baseStyles,
  greeting: { color: '#18181b', fontSize: '16px', margin: '0 0 8px' },
  section: { marginTop: '16px' },
  sectionHeading: { color: '#18181b', fontSize: '18px', fontWeight: 600, margin: '16px 0 8px' },
  item: { borderTop: '1px solid #e4e4e7', padding: '12px 0' },
  meta: { color: '#71717a', fontSize: '12px', letterSpacing: '0.02em', margin: '0 0 4px', textTransform: 'uppercase' as const },
  itemTitle: { color: '#1d4ed8', display: 'block', fontSize: '16px', fontWeight: 600, textDecoration: 'none' },
  summary: { color: '#3f3f46', fontSize: '14px', lineHeight: '20px', margin: '4px 0' },
};
