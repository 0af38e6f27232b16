import { translator, type Locale, type ReaderLocale } from './i18n';

/**
 * Dates and times as members read them: in their language and their time zone, the zone named
 * after its city as calendars do ("jeudi 10 décembre à 10:00 (heure de Paris)"). The IANA id
 * gives the city: ICU's generic names ("heure d’Europe centrale", "UTC+1") do not say which
 * member's clock they mean as plainly. Zones without a city (UTC, Etc/GMT+5) take ICU's short
 * name. The city is the IANA spelling (English: "heure de London", not "Londres").
 */

/** BCP 47 tags for Intl: British English writes "Thursday 10 December", not "Thursday, December 10". */
const INTL_TAG: Record<Locale, string> = { en: 'en-GB', fr: 'fr-FR' };

const formats = new Map<string, Intl.DateTimeFormat>();
function format(locale: Locale, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let found = formats.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(INTL_TAG[locale], { ...options, timeZone });
    formats.set(key, found);
  }
  return found;
}

/** "heure de Paris", "New York time", "UTC". */
export function zoneLabel(at: Date, { locale, timeZone }: ReaderLocale): string {
  const t = translator(locale);
  const city =
    timeZone.includes('/') && !timeZone.startsWith('Etc/') ? timeZone.slice(timeZone.lastIndexOf('/') + 1).replace(/_/g, ' ') : null;
  if (!city)
    return format(locale, timeZone, { timeZoneName: 'short' })
      .formatToParts(at)
      .find((part) => part.type === 'timeZoneName')!.value;
  // French elides "de" before a vowel or a mute h: "heure d’Amsterdam".
  return /^[AEIOUYH]/i.test(city) ? t('time.zone_elided', { city }) : t('time.zone', { city });
}

/**
 * "Thursday 10 December at 10:00 (Paris time)", "jeudi 10 décembre à 10:00 (heure de Paris)":
 * the year only when it is not the year of `now` (emails about a session speak of days to come).
 */
export function formatDateTime(at: Date, reader: ReaderLocale, now: Date): string {
  const { locale, timeZone } = reader;
  const yearOf = (date: Date) => format(locale, timeZone, { year: 'numeric' }).format(date);
  const withYear = yearOf(at) !== yearOf(now);
  const date = format(locale, timeZone, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(withYear ? { year: 'numeric' } : {}),
  }).format(at);
  const time = format(locale, timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  return translator(locale)('time.dateTime', { date, time, zone: zoneLabel(at, reader) });
}

/** "3 March 2026", "3 mars 2026": a day in the reader's zone. */
export function formatDate(at: Date, { locale, timeZone }: ReaderLocale): string {
  return format(locale, timeZone, { dateStyle: 'long' }).format(at);
}

/** "Hugo Moreau and Nadia Silva", "Hugo Moreau et Nadia Silva". */
export function formatList(items: string[], locale: Locale): string {
  return new Intl.ListFormat(INTL_TAG[locale], { style: 'long', type: 'conjunction' }).format(items);
}

/** "in 24 hours", "dans 15 minutes": from `now`, so a late run still tells the truth. */
export function startsInLabel(startsAt: Date, now: Date, locale: Locale): string {
  const t = translator(locale);
  const minutes = Math.max(1, Math.round((startsAt.getTime() - now.getTime()) / 60_000));
  if (minutes < 60) return t('time.startsIn.minutes', { count: minutes });
  return t('time.startsIn.hours', { count: Math.round(minutes / 60) });
}
