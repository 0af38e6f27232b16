import { Heading, Link, Section, Text } from '@react-email/components';
import { defineEmail } from './email-template';
import { baseStyles, CallToAction, EmailFooter, EmailFrame, firstName } from './layout';

export interface DigestEmailItem {
  title: string;
  /** ContentType as stored: ARTICLE, VIDEO, PODCAST, DOCUMENT or REPLAY. */
  type: string;
  themes: string[];
  summary: string | null;
  /** When it was published, already formatted in the community's time zone ("3 March 2026"). */
  publishedAt: string;
  url: string;
}

export interface DigestEmailProps {
  communityName: string;
  /** The member's display name; they are greeted by its first word. */
  memberName: string;
  /** New content matching the member's interests. */
  hot: DigestEmailItem[];
  /** Older content the member has not opened yet. */
  cold: DigestEmailItem[];
  /** Everything new in the community, for the member ("see everything new"). */
  feedUrl: string;
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

const TITLE_IN_SUBJECT = 70;

/** "{top item} and 5 more for you": the subject names what is worth opening the email for. */
export function digestSubject({ hot, cold }: Pick<DigestEmailProps, 'hot' | 'cold'>): string {
  const top = hot[0] ?? cold[0];
  if (!top) return 'New for you';
  const title = top.title.length > TITLE_IN_SUBJECT ? `${top.title.slice(0, TITLE_IN_SUBJECT - 1).trimEnd()}…` : top.title;
  const more = hot.length + cold.length - 1;
  return more > 0 ? `${title} and ${more} more for you` : `${title}, for you`;
}

export function digestPreview({ communityName, hot, cold }: DigestEmailProps): string {
  if (hot.length > 0) return `${hot.length} new for you in ${communityName}, picked from the themes you follow.`;
  if (cold.length > 0) return `Worth a look in ${communityName}: ${cold.length} you have not opened yet.`;
  return `Your digest from ${communityName}`;
}

const metaLine = (item: DigestEmailItem) => [contentTypeLabel(item.type), ...item.themes, item.publishedAt].join(' · ');

function DigestItem({ item }: { item: DigestEmailItem }) {
  return (
    <Section style={styles.item}>
      <Text style={styles.meta}>{metaLine(item)}</Text>
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

function introduction({ communityName, hot }: DigestEmailProps): string {
  return hot.length > 0
    ? `Here is what was published in ${communityName} on the themes you follow since your last visit, and a few things you have not opened yet.`
    : `Nothing new on your themes since your last visit, but here is what members found most useful that you have not opened yet.`;
}

export function DigestEmail(props: DigestEmailProps) {
  const { communityName, memberName, hot, cold, feedUrl, preferencesUrl, unsubscribeUrl } = props;
  const top = hot[0] ?? cold[0];
  return (
    <EmailFrame preview={digestPreview(props)} communityName={communityName}>
      <Text style={styles.text}>Hi {firstName(memberName)},</Text>
      <Text style={styles.text}>{introduction(props)}</Text>
      {top ? (
        <Section style={styles.cta}>
          <CallToAction href={top.url}>Start reading</CallToAction>
        </Section>
      ) : null}
      <DigestSection heading="New for you" items={hot} />
      <DigestSection heading="You may have missed" items={cold} />
      <Text style={styles.text}>
        <Link href={feedUrl} style={styles.more}>
          See everything new in {communityName} →
        </Link>
      </Text>
      <EmailFooter reason={`You receive this digest as a member of ${communityName}.`} preferencesUrl={preferencesUrl} unsubscribeUrl={unsubscribeUrl} />
    </EmailFrame>
  );
}

/**
 * The plain-text part, written from the same props as the HTML rather than converted from it:
 * html-to-text cost twice the React render per digest, on the path that sends thousands.
 */
export function digestPlainText(props: DigestEmailProps): string {
  const { communityName, memberName, hot, cold, feedUrl, preferencesUrl, unsubscribeUrl } = props;
  const section = (heading: string, items: DigestEmailItem[]) =>
    items.length === 0 ? [] : [heading.toUpperCase(), '', ...items.flatMap((item) => [metaLine(item), item.title, ...(item.summary ? [item.summary] : []), item.url, ''])];
  return [
    communityName,
    '',
    `Hi ${firstName(memberName)},`,
    '',
    introduction(props),
    '',
    ...section('New for you', hot),
    ...section('You may have missed', cold),
    `See everything new in ${communityName}: ${feedUrl}`,
    '',
    `You receive this digest as a member of ${communityName}.`,
    `Email preferences: ${preferencesUrl}`,
    `Unsubscribe: ${unsubscribeUrl}`,
  ].join('\n');
}

DigestEmail.PreviewProps = {
  communityName: 'Growth Marketing Circle',
  memberName: 'Camille Martin',
  hot: [
    {
      title: 'Attribution models that survive a cookieless world',
      type: 'ARTICLE',
      themes: ['Analytics', 'Privacy'],
      summary: 'Four models compared on real B2B pipelines, and the one we kept after a year.',
      publishedAt: '3 March 2026',
      url: 'https://community.example.com/r/attribution-models',
    },
    {
      title: 'ABM playbook: from target list to first meeting',
      type: 'REPLAY',
      themes: ['ABM', 'Sales alignment'],
      summary: 'Replay of the March webinar with the Q&A session.',
      publishedAt: '5 March 2026',
      url: 'https://community.example.com/r/abm-playbook-replay',
    },
  ],
  cold: [
    {
      title: 'Pricing page teardown, episode 12',
      type: 'PODCAST',
      themes: ['Conversion'],
      summary: null,
      publishedAt: '12 January 2026',
      url: 'https://community.example.com/r/pricing-teardown-12',
    },
  ],
  feedUrl: 'https://community.example.com/feed?source=EMAIL',
  preferencesUrl: 'https://community.example.com/settings/email',
  unsubscribeUrl: 'https://community.example.com/unsubscribe/preview',
} satisfies DigestEmailProps;

export default DigestEmail;

export const digestEmail = defineEmail<DigestEmailProps>({
  name: 'digest',
  Component: DigestEmail,
  subject: digestSubject,
  preview: digestPreview,
  text: digestPlainText,
  PreviewProps: DigestEmail.PreviewProps,
});

const styles = {
  ...baseStyles,
  cta: { margin: '16px 0 8px' },
  section: { marginTop: '16px' },
  sectionHeading: { color: '#18181b', fontSize: '18px', fontWeight: 600, margin: '16px 0 8px' },
  item: { borderTop: '1px solid #e4e4e7', padding: '12px 0' },
  meta: { color: '#71717a', fontSize: '12px', letterSpacing: '0.02em', margin: '0 0 4px', textTransform: 'uppercase' as const },
  itemTitle: { color: '#1d4ed8', display: 'block', fontSize: '16px', fontWeight: 600, textDecoration: 'none' },
  summary: { color: '#3f3f46', fontSize: '14px', lineHeight: '20px', margin: '4px 0' },
  more: { color: '#1d4ed8', fontWeight: 600, textDecoration: 'none' },
};
