import { renderDigestEmail } from '../../emails/render';
import type { DigestEmailItem } from '../../emails/digest.email';
import type { OutgoingEmail } from '../../server/mailer';
import { readerLocale, type Locale } from '../../server/i18n/i18n';
import type { DigestEmailRow, DigestRow } from './engagement.queries';
import type { EmailLinks } from './email-links';

export interface DigestEmailSettings {
  links: EmailLinks;
  communityName: string;
  communityLocale: Locale;
  communityTimezone: string;
  mailFrom: string;
}

/** A claimed digest as it will be sent: its row, what is still unseen (hot first), and the rows the email shows. */
export interface DigestSending {
  digest: DigestRow;
  items: string[];
  hotCount: number;
  rows: DigestEmailRow[];
}

/** The digest email of a claim: the row's Message-ID, a one-click unsubscribe, each item's link attributed to the digest. */
export async function composeDigestEmail(
  settings: DigestEmailSettings,
  { digest, rows, items, hotCount }: DigestSending,
): Promise<OutgoingEmail> {
  const { links, communityName, mailFrom } = settings;
  const byId = new Map(rows.map((row) => [row.id, row]));
  const toItem = (id: string): DigestEmailItem => {
    const row = byId.get(id)!;
    return {
      title: row.title,
      type: row.type,
      themes: row.themes,
      summary: row.summary,
      publishedAt: new Date(row.published_at),
      url: links.clickUrl(digest.id, id),
    };
  };
  const unsubscribeUrl = links.unsubscribeUrl(digest.memberId);
  const rendered = await renderDigestEmail({
    ...readerLocale({ locale: rows[0].locale, timeZone: rows[0].time_zone }, settings),
    communityName,
    memberName: rows[0].display_name,
    hot: items.slice(0, hotCount).map(toItem),
    cold: items.slice(hotCount).map(toItem),
    feedUrl: links.feedUrl(),
    preferencesUrl: links.preferencesUrl(),
    unsubscribeUrl,
  });
  return {
    to: rows[0].email,
    from: mailFrom,
    messageId: digest.messageId ?? undefined,
    ...rendered,
    headers: {
      'List-Unsubscribe': `<${unsubscribeUrl}>, <mailto:${unsubscribeMailbox(mailFrom)}?subject=unsubscribe>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'X-Hearth-Digest': digest.id,
    },
  };
}

/** `unsubscribe@<sender's domain>`: the mailto alternative RFC 2369 clients fall back to. */
export function unsubscribeMailbox(mailFrom: string): string {
  const address = /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom;
  return `unsubscribe@${address.split('@')[1]}`;
}
