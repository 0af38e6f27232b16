import { useCallback, useMemo } from 'react';
import { useLocation, useSearch } from 'wouter';
import { lastDays, rangeFrom, type DayRange } from './dates';

/**
 * A page's state lives in its URL's query string: a link or a reload shows the same view.
 * `set` changes some keys (null removes one) and replaces the history entry, so the back button
 * leaves the page instead of undoing each filter.
 */
export function useUrlState(): [URLSearchParams, (patch: Record<string, string | null | undefined>) => void] {
  const search = useSearch();
  const [location, navigate] = useLocation();
  const params = useMemo(() => new URLSearchParams(search), [search]);
  const set = useCallback(
    (patch: Record<string, string | null | undefined>) => {
      const next = new URLSearchParams(search);
      for (const [key, value] of Object.entries(patch)) {
        if (value == null || value === '') next.delete(key);
        else next.set(key, value);
      }
      const query = next.toString();
      navigate(query ? `${location}?${query}` : location, { replace: true });
    },
    [search, location, navigate],
  );
  return [params, set];
}

export const DEFAULT_RANGE_DAYS = 30;

/** The page's date range (`from`, `to` in the URL), the last 30 days by default. */
export function useDateRange(defaultDays = DEFAULT_RANGE_DAYS): [DayRange, (range: DayRange) => void] {
  const [params, set] = useUrlState();
  const from = params.get('from');
  const to = params.get('to');
  const range = useMemo(() => rangeFrom(from, to, lastDays(defaultDays)), [from, to, defaultDays]);
  const setRange = useCallback((next: DayRange) => set({ from: next.from, to: next.to }), [set]);
  return [range, setRange];
}

/** `?key=value` of the current page's state, for links that keep it (e.g. the range into a member's page). */
export function withParams(path: string, params: Record<string, string | null | undefined>): string {
  const query = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1]))).toString();
  return query ? `${path}?${query}` : path;
}
