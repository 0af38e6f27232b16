/** Calendar helpers in the community's time zone. */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) of `at` in `timeZone`. */
export function localDate(at: Date, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter.format(at);
}

/** The IANA id of `raw` as Intl knows it (case fixed: "europe/paris" → "Europe/Paris"), or null when it is no IANA zone. */
export function canonicalTimeZone(raw: string): string | null {
  // Offsets ("+01:00") are accepted by Intl but are no IANA zone: they ignore daylight saving time.
  if (!/^[A-Za-z]/.test(raw)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: raw }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** Every calendar day from `first` to `last` (YYYY-MM-DD), both included. */
export function daysFromTo(first: string, last: string): string[] {
  const days: string[] = [];
  for (let day = new Date(`${first}T00:00:00Z`); day.toISOString().slice(0, 10) <= last; day.setUTCDate(day.getUTCDate() + 1)) {
    days.push(day.toISOString().slice(0, 10));
  }
  return days;
}
