/**
 * Date ranges as the console keeps them in the URL: whole days `YYYY-MM-DD`, both ends included,
 * in UTC (the demo's and the default community time zone). The API takes instants with an
 * exclusive end: `to` becomes the next midnight.
 */
export interface DayRange {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const toDay = (date: Date): string => date.toISOString().slice(0, 10);

export function addDays(day: string, days: number): string {
  return toDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

export const isDay = (value: string | null | undefined): value is string =>
  Boolean(value && DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)));

/** The last `days` days up to and including `today`. */
export function lastDays(days: number, today = toDay(new Date())): DayRange {
  return { from: addDays(today, -(days - 1)), to: today };
}

/** The range in the URL, or the default when either end is missing or invalid (or they are inverted). */
export function rangeFrom(from: string | null, to: string | null, fallback: DayRange): DayRange {
  if (!isDay(from) || !isDay(to) || from > to) return fallback;
  return { from, to };
}

/** The API's window: [from 00:00 UTC, the day after `to` 00:00 UTC). */
export function toWindow(range: DayRange): { from: string; to: string } {
  return { from: `${range.from}T00:00:00.000Z`, to: `${addDays(range.to, 1)}T00:00:00.000Z` };
}

/** Length of an inclusive range in days. */
export const rangeDays = (range: DayRange): number => Math.round((Date.parse(range.to) - Date.parse(range.from)) / DAY_MS) + 1;

/** `datetime-local` input value (the browser's zone) ↔ ISO instant. */
export function toLocalInput(iso: string): string {
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export const fromLocalInput = (value: string): string => new Date(value).toISOString();
