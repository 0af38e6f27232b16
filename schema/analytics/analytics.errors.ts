import { badInput } from '../../server/errors';

/** The longest window a KPI query accepts. */
export const MAX_WINDOW_DAYS = 731;

export function assertWindow(from: Date, to: Date): void {
  if (to <= from) throw badInput('`to` must be after `from`.', { to: 'must be after from' });
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * 86_400_000) {
    throw badInput(`The window can span at most ${MAX_WINDOW_DAYS} days.`, { to: 'window too long' });
  }
}
