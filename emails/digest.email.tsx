import { Heading } from '@react-email/heading';
import { Link } from '@react-email/link';
import { Section } from '@react-email/section';
import { shorten } from '../server/text';
import { Text } from '@react-email/text';
import type { TFunction } from 'i18next';
import { formatDate } from '../server/i18n/datetime';
import { translator, type Locale, type ReaderLocale } from '../server/i18n/i18n';
import { defineEmail } from './email-template';
import { baseStyles, CallToAction, EmailFooter, EmailFrame, greeting } from './layout';

export interface DigestEmailItem {
  title: string;
  /** ContentType as stored: ARTICLE, VIDEO, PODCAST, DOCUMENT or REPLAY. */
  type: string;
  themes: string[];
  summary: string | null;
  /** When it was published; shown as a day in the reader's time zone ("3 March 2026", "3 mars 2026"). */
  publishedAt: Date;
  url: string;
}

export interface DigestEmailProps extends ReaderLocale {
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

const TYPE_LABELS: Record<string, (t: TFunction) => string> = {
  ARTICLE: (t) => t('contentType.ARTICLE'),
  VIDEO: (t) => t('contentType.VIDEO'),
  PODCAST: (t) => t('contentType.PODCAST'),
  DOCUMENT: (t) => t('contentType.DOCUMENT'),
  REPLAY: (t) => t('contentType.REPLAY'),
};

/** Unknown types still read well ("CASE_STUDY" → "Case study") if the enum grows before the catalogues. */
export function contentTypeLabel(type: string, locale: Locale): string {
  const known = TYPE_LABELS[type];
  if (known) return known(translator(locale));
  const words = type.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const TITLE_IN_SUBJECT = 70;

/** "{top item} and 5 more for you": the subject names what is worth opening the email for. */
export function digestSubject({ hot, cold, locale }: Pick<DigestEmailProps, 'hot' | 'cold' | 'locale'>): string {
  const t = translator(locale);
  const top = hot[0] ?? cold[0];
  if (!top) return t('digest.subject.empty');
  const title = shorten(top.title, TITLE_IN_SUBJECT);
  const more = hot.length + cold.length - 1;
  return more > 0 ? t('digest.subject.more', { title, count: more }) : t('digest.subject.single', { title });
}

export function digestPreview({ communityName, hot, cold, locale }: DigestEmailProps): string {
  const t = translator(locale);
  if (hot.length > 0) return t('digest.preview.hot', { count: hot.length, community: communityName });
  if (cold.length > 0) return t('digest.preview.cold', { count: cold.length, community: communityName });
  return t('digest.preview.none', { community: communityName });
}

const metaLine = (item: DigestEmailItem, reader: ReaderLocale) =>
  [contentTypeLabel(item.type, reader.locale), ...item.themes, formatDate(item.publishedAt, reader)].join(' · ');

function DigestItem({ item, reader }: { item: DigestEmailItem; reader: ReaderLocale }) {
  return (
    <Section style={styles.item}>
      <Text style={styles.meta}>{metaLine(item, reader)}</Text>
      <Link href={item.url} style={styles.itemTitle}>
        {item.title}
      </Link>
      {item.summary ? <Text style={styles.summary}>{item.summary}</Text> : null}
    </Section>
  );
}

function DigestSection({ heading, items, reader }: { heading: string; items: DigestEmailItem[]; reader: ReaderLocale }) {
  if (items.length === 0) return null;
  return (
    <Section style={styles.section}>
      <Heading as="h2" style={styles.sectionHeading}>
        {heading}
      </Heading>
      {items.map((item) => (
        <DigestItem key={item.url} item={item} reader={reader} />
      ))}
    </Section>
  );
}

function introduction({ communityName, hot, locale }: DigestEmailProps): string {
  const t = translator(locale);
  return hot.length > 0 ? t('digest.introHot', { community: communityName }) : t('digest.introCold');
}

export function DigestEmail(props: DigestEmailProps) {
  const { communityName, memberName, hot, cold, feedUrl, preferencesUrl, unsubscribeUrl, locale } = props;
  const t = translator(locale);
  const top = hot[0] ?? cold[0];
  return (
    <EmailFrame preview={digestPreview(props)} communityName={communityName} locale={locale}>
      <Text style={styles.text}>{greeting(memberName, locale)}</Text>
      <Text style={styles.text}>{introduction(props)}</Text>
      {top ? (
        <Section style={styles.cta}>
          <CallToAction href={top.url}>{t('digest.startReading')}</CallToAction>
        </Section>
      ) : null}
      <DigestSection heading={t('digest.newForYou')} items={hot} reader={props} />
      <DigestSection heading={t('digest.mayHaveMissed')} items={cold} reader={props} />
      <Text style={styles.text}>
        <Link href={feedUrl} style={styles.more}>
          {t('digest.seeEverything', { community: communityName })} →
        </Link>
      </Text>
      <EmailFooter
        reason={t('digest.reason', { community: communityName })}
        preferencesUrl={preferencesUrl}
        unsubscribeUrl={unsubscribeUrl}
        locale={locale}
      />
    </EmailFrame>
  );
}

/**
 * The plain-text part, written from the same props as the HTML rather than converted from it:
 * html-to-text cost twice the React render per digest, on the path that sends thousands.
 */
export function digestPlainText(props: DigestEmailProps): string {
  const { communityName, memberName, hot, cold, feedUrl, preferencesUrl, unsubscribeUrl, locale } = props;
  const t = translator(locale);
  const section = (heading: string, items: DigestEmailItem[]) =>
    items.length === 0
      ? []
      : [
          heading.toLocaleUpperCase(locale),
          '',
          ...items.flatMap((item) => [metaLine(item, props), item.title, ...(item.summary ? [item.summary] : []), item.url, '']),
        ];
  return [
    communityName,
    '',
    greeting(memberName, locale),
    '',
    introduction(props),
    '',
    ...section(t('digest.newForYou'), hot),
    ...section(t('digest.mayHaveMissed'), cold),
    t('common.labelled', { label: t('digest.seeEverything', { community: communityName }), value: feedUrl }),
    '',
    t('digest.reason', { community: communityName }),
    t('common.labelled', { label: t('common.emailPreferences'), value: preferencesUrl }),
    t('common.labelled', { label: t('common.unsubscribe'), value: unsubscribeUrl }),
  ].join('\n');
}

DigestEmail.PreviewProps = {
  locale: 'en',
  timeZone: 'Europe/Paris',
  communityName: 'Growth Marketing Circle',
  memberName: 'Camille Martin',
  hot: [
    {
      title: 'Attribution models that survive a cookieless world',
      type: 'ARTICLE',
      themes: ['Analytics', 'Privacy'],
      summary: 'Four models compared on real B2B pipelines, and the one we kept after a year.',
      publishedAt: new Date('2026-03-03T09:00:00Z'),
      url: 'https://community.example.com/r/attribution-models',
    },
    {
      title: 'ABM playbook: from target list to first meeting',
      type: 'REPLAY',
      themes: ['ABM', 'Sales alignment'],
      summary: 'Replay of the March webinar with the Q&A session.',
      publishedAt: new Date('2026-03-05T16:00:00Z'),
      url: 'https://community.example.com/r/abm-playbook-replay',
    },
  ],
  cold: [
    {
      title: 'Pricing page teardown, episode 12',
      type: 'PODCAST',
      themes: ['Conversion'],
      summary: null,
      publishedAt: new Date('2026-01-12T08:30:00Z'),
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
