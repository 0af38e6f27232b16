import { canonicalTimeZone } from './time';

describe('canonicalTimeZone', () => {
  it('fixes the case and answers IANA’s current name where ICU keeps an old one', () => {
    expect(canonicalTimeZone('europe/paris')).toBe('Europe/Paris');
    for (const zone of ['Asia/Kolkata', 'asia/calcutta', 'ASIA/KOLKATA']) expect(canonicalTimeZone(zone)).toBe('Asia/Kolkata');
    expect(canonicalTimeZone('Europe/Kyiv')).toBe('Europe/Kyiv');
    expect(canonicalTimeZone('Europe/Kiev')).toBe('Europe/Kyiv');
    expect(canonicalTimeZone('America/Argentina/Buenos_Aires')).toBe('America/Argentina/Buenos_Aires');
  });

  it('answers every name Intl formats with', () => {
    for (const zone of Intl.supportedValuesOf('timeZone')) {
      const canonical = canonicalTimeZone(zone)!;
      expect(() => new Intl.DateTimeFormat('en-US', { timeZone: canonical })).not.toThrow();
    }
  });

  it('refuses offsets and unknown names', () => {
    for (const raw of ['+01:00', 'UTC+1', 'Mars/Olympus', '']) expect(canonicalTimeZone(raw)).toBeNull();
  });
});
