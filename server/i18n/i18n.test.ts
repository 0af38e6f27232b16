import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isTestFile, root, sourceFiles } from '../../test/source-files';
import { canonicalTimeZone } from '../time';
import { formatDate, formatDateTime, formatList, startsInLabel } from './datetime';
import { CATALOGUES, LOCALES, translator, type Locale } from './i18n';

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Every leaf key of a catalogue, dotted: `digest.subject.more_one`. */
function leafKeys(catalogue: object, prefix = ''): string[] {
  return Object.entries(catalogue).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null ? leafKeys(value as object, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

/** A catalogue's messages with plural forms folded into their base key: `digest.subject.more_one` → `digest.subject.more`. */
function messageKeys(locale: Locale): Set<string> {
  return new Set(leafKeys(CATALOGUES[locale]).map((key) => key.replace(PLURAL, '')));
}

// Every message is asked for as t('digest.subject.more', …): a literal key, so that this scan sees them all.
const T_CALL = /\bt\(\s*([^,)]*)/g;
const LITERAL_KEY = /^'([A-Za-z0-9_.]+)'$/;

describe('message catalogues', () => {
  it('hold the same messages in every locale', () => {
    const [first, ...others] = LOCALES;
    for (const locale of others) {
      const missingHere = [...messageKeys(first)].filter((key) => !messageKeys(locale).has(key));
      const missingThere = [...messageKeys(locale)].filter((key) => !messageKeys(first).has(key));
      expect({ locale, missingHere, missingThere }).toEqual({ locale, missingHere: [], missingThere: [] });
    }
  });

  it.each(LOCALES)('%s: every plural message has each form the language needs (Intl.PluralRules), and no other', (locale) => {
    const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories.sort();
    const forms = new Map<string, string[]>();
    for (const key of leafKeys(CATALOGUES[locale])) {
      const match = PLURAL.exec(key);
      if (match) forms.set(key.replace(PLURAL, ''), [...(forms.get(key.replace(PLURAL, '')) ?? []), match[1]]);
    }
    expect(forms.size).toBeGreaterThan(0);
    for (const [key, found] of forms) expect({ key, forms: found.sort() }).toEqual({ key, forms: categories });
  });

  it('know every key the sources use (templates, notification text, date formats), each written as a literal', () => {
    const used = new Map<string, string>();
    const dynamic: string[] = [];
    for (const file of sourceFiles('server', 'schema', 'emails', 'jobs').filter((file) => !isTestFile(file))) {
      for (const [, argument] of readFileSync(path.join(root, file), 'utf8').matchAll(T_CALL)) {
        const key = LITERAL_KEY.exec(argument.trim())?.[1];
        if (key) used.set(key, file);
        else dynamic.push(`t(${argument}) in ${file}`);
      }
    }
    expect(dynamic).toEqual([]);
    expect(used.size).toBeGreaterThan(30);
    for (const locale of LOCALES) {
      const known = messageKeys(locale);
      const missing = [...used].filter(([key]) => !known.has(key)).map(([key, file]) => `${key} (${file})`);
      expect({ locale, missing }).toEqual({ locale, missing: [] });
    }
  });

  it('apply plural rules: "1 heure", "24 heures", "1 minute", "15 minutes"', () => {
    const at = new Date('2026-12-10T09:00:00Z');
    expect(startsInLabel(at, new Date(at.getTime() - 60 * 60_000), 'fr')).toBe('dans 1 heure');
    expect(startsInLabel(at, new Date(at.getTime() - 24 * 60 * 60_000), 'fr')).toBe('dans 24 heures');
    expect(startsInLabel(at, new Date(at.getTime() - 60_000), 'en')).toBe('in 1 minute');
    expect(startsInLabel(at, new Date(at.getTime() - 15 * 60_000), 'en')).toBe('in 15 minutes');
    expect(translator('fr')('digest.subject.more', { title: 'A', count: 1 })).toBe('A et 1 autre contenu pour vous');
    expect(translator('en')('digest.subject.more', { title: 'A', count: 5 })).toBe('A and 5 more for you');
  });
});

describe('dates and times in the reader’s language and zone', () => {
  const at = new Date('2026-12-10T09:00:00Z');
  const now = new Date('2026-12-03T18:00:00Z');

  it('French, Paris: "jeudi 10 décembre à 10:00 (heure de Paris)"', () => {
    expect(formatDateTime(at, { locale: 'fr', timeZone: 'Europe/Paris' }, now)).toBe('jeudi 10 décembre à 10:00 (heure de Paris)');
  });

  it('English, New York: the same instant on its own clock', () => {
    expect(formatDateTime(at, { locale: 'en', timeZone: 'America/New_York' }, now)).toBe('Thursday 10 December at 04:00 (New York time)');
  });

  it('names the year when it is not this year, elides French "de", and names zones without a city by ICU', () => {
    expect(formatDateTime(new Date('2027-01-07T09:00:00Z'), { locale: 'fr', timeZone: 'Europe/Amsterdam' }, now)).toBe(
      'jeudi 7 janvier 2027 à 10:00 (heure d’Amsterdam)',
    );
    expect(formatDateTime(at, { locale: 'en', timeZone: 'UTC' }, now)).toBe('Thursday 10 December at 09:00 (UTC)');
    expect(formatDate(at, { locale: 'fr', timeZone: 'Pacific/Auckland' })).toBe('10 décembre 2026');
    expect(formatDate(new Date('2026-12-10T22:00:00Z'), { locale: 'fr', timeZone: 'Pacific/Auckland' })).toBe('11 décembre 2026');
    expect(formatList(['Hugo', 'Nadia', 'Léa'], 'fr')).toBe('Hugo, Nadia et Léa');
  });

  it('accepts IANA zones only, in their canonical spelling', () => {
    expect(canonicalTimeZone('europe/paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    for (const bad of ['Mars/Olympus', '+01:00', '', 'Paris']) expect(canonicalTimeZone(bad)).toBeNull();
  });
});
