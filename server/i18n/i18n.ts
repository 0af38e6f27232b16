import { createInstance, type TFunction } from 'i18next';
import { COMMUNITY_LOCALES, type CommunityLocale } from '../env';
import en from './locales/en.json';
import fr from './locales/fr.json';

/**
 * What members read, in their language: every email and every notification's text comes from
 * the catalogues in ./locales (one JSON file per locale, the same keys in each; i18n.test.ts
 * holds them to it). API error messages are not translated: clients translate by extensions.code.
 */
export type Locale = CommunityLocale;
export const LOCALES: readonly Locale[] = COMMUNITY_LOCALES;

/** Catalogues by locale; nested keys read `digest.subject.more`. Plural forms end in `_one`, `_many`, `_other` (Intl.PluralRules categories). */
export const CATALOGUES: Record<Locale, object> = { en, fr };

// One instance for the process, loaded synchronously from the bundled catalogues: no backend, no language detection.
const i18n = createInstance();
void i18n.init({
  initAsync: false,
  resources: Object.fromEntries(LOCALES.map((locale) => [locale, { translation: CATALOGUES[locale] }])),
  lng: 'en',
  supportedLngs: [...LOCALES],
  // A key missing in one locale is a bug the catalogue test catches; at run time English still beats the raw key.
  fallbackLng: 'en',
  // Emails are React (which escapes) or plain text; notification text is JSON. Escaping here would double it.
  interpolation: { escapeValue: false },
  returnNull: false,
});

const translators = new Map<Locale, TFunction>(LOCALES.map((locale) => [locale, i18n.getFixedT(locale)]));

/** The `t` of one locale. */
export function translator(locale: Locale): TFunction {
  return translators.get(locale) ?? translators.get('en')!;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The language and zone a member reads in: their own choice, else the community's (COMMUNITY_LOCALE, COMMUNITY_TIMEZONE). */
export interface ReaderLocale {
  locale: Locale;
  timeZone: string;
}

export function readerLocale(
  member: { locale?: string | null; timeZone?: string | null },
  community: { communityLocale: Locale; communityTimezone: string },
): ReaderLocale {
  return {
    locale: isLocale(member.locale) ? member.locale : community.communityLocale,
    timeZone: member.timeZone ?? community.communityTimezone,
  };
}
