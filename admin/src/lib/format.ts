/** How figures read in the console. The same strings go to screen readers, tests and charts' tables. */
const number = new Intl.NumberFormat('en-GB');
const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const shortDateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

export const NONE = '—';

/** Days with one decimal, as PRODUCT.md's revisit figures are read. */
export const days = (value: number | null | undefined): string => (value == null ? NONE : `${value.toFixed(1)} days`);

export const count = (value: number | null | undefined): string => (value == null ? NONE : number.format(value));

/** A 0..1 share as a percentage with one decimal. */
export const percent = (value: number | null | undefined): string => (value == null ? NONE : `${(value * 100).toFixed(1)} %`);

/** A difference of visit days per member (the lift), signed, two decimals. */
export const visitDays = (value: number | null | undefined): string =>
  value == null ? NONE : `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)} visit days`;

/** A relative change, signed: +12.5 %. */
export const relative = (value: number | null | undefined): string =>
  value == null ? NONE : `${value >= 0 ? '+' : '−'}${Math.abs(value * 100).toFixed(1)} %`;

export const seconds = (value: number | null | undefined): string => (value == null ? NONE : `${Math.round(value)} s`);

/** A calendar date (UTC day) from an ISO instant or a `YYYY-MM-DD`. */
export const date = (value: string | null | undefined): string =>
  value ? dateFormat.format(new Date(value.length === 10 ? `${value}T00:00:00Z` : value)) : NONE;

/** An instant in the viewer's own time zone (live sessions). */
/** A day on a chart's axis: `4 Nov`. */
export const shortDate = (value: string): string => shortDateFormat.format(new Date(value.length === 10 ? `${value}T00:00:00Z` : value));

export const dateTime = (value: string | null | undefined): string => (value ? dateTimeFormat.format(new Date(value)) : NONE);

export const titleCase = (value: string): string => value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, ' ');
