import type { EntityManager } from '@mikro-orm/postgresql';
import type { MinimumDetectableLift } from './engagement.types';
import { visitDayHistory } from './engagement.queries';
import { minimumDetectableLift } from './lift';
import { triggerOf } from './triggers';
import { DAY_MS } from './triggers/trigger';

/** Past windows of H days read per member: enough to see a habit, recent enough to be today's. */
export const HISTORY_WINDOWS = 4;

const share = (value: number) => `${Math.round(value * 100)} %`;
const visitDays = (value: number) => (value >= 1 ? value.toFixed(1) : value.toFixed(2));

/**
 * Where the history read for a rule's selection ends: `now`, less the days its trigger requires to
 * be without a visit. An INACTIVITY(7) rule selects members with no visit in the last 7 days: read
 * up to now, their latest window is zero for everyone by construction (its whole span with H = 7),
 * which pulled the mean down and mixed a forced zero into the variance (most when members have
 * little history: with two windows, half the values), where the outcome after selection has no
 * such zero.
 */
export function historyEnd(
  rule: { trigger: string; inactivityDays: number; everyDays: number; minUnseen: number; createdAt: Date },
  now: Date,
): Date {
  const quietDays = triggerOf(rule.trigger).quietDays?.(rule) ?? 0;
  return new Date(now.getTime() - quietDays * DAY_MS);
}

/**
 * The smallest lift the rule's selection of now can detect (80 % power, 5 % two-sided), from the
 * variance of the selected members' own visit days over recent windows of H days ending at
 * `historyEnd`: treated and held-out counts are those of this period, as the holdout draw splits them.
 */
export async function minimumDetectableLiftFor(
  em: EntityManager,
  selected: { member_id: string; held_out: boolean }[],
  options: { historyEnd: Date; horizonDays: number; holdoutPercent: number; zone: string },
): Promise<MinimumDetectableLift> {
  const { historyEnd: end, horizonDays, holdoutPercent, zone } = options;
  const heldOut = selected.filter((row) => row.held_out).length;
  const treated = selected.length - heldOut;
  const ids = selected.map((row) => row.member_id);
  const history = ids.length
    ? await visitDayHistory(em, ids, { end, horizonDays, windows: HISTORY_WINDOWS, zone })
    : { n: 0, mean: 0, variance: 0 };
  const sd = Math.sqrt(history.variance);
  const absolute = history.n > 1 ? minimumDetectableLift(sd, treated, heldOut) : null;
  const relative = absolute !== null && history.mean > 0 ? absolute / history.mean : null;
  const base = {
    horizonDays,
    treated,
    heldOut,
    outcomeStdDev: history.n > 1 ? sd : null,
    baselineMeanVisitDays: history.n ? history.mean : null,
  };
  if (absolute === null) {
    const why =
      holdoutPercent === 0
        ? 'nobody is held out'
        : treated + heldOut === 0
          ? 'it selects nobody now'
          : 'too few members are selected now in one of its groups';
    return {
      ...base,
      absolute: null,
      relative: null,
      sentence: `With ${holdoutPercent} % held out, this rule cannot measure its lift: ${why}.`,
    };
  }
  const relativeText =
    relative === null ? '' : ` (${share(relative)} more than the ${visitDays(history.mean)} they had in recent ${horizonDays}-day spans)`;
  return {
    ...base,
    absolute,
    relative,
    sentence:
      `With ${holdoutPercent} % held out (${heldOut} of the ${treated + heldOut} members it selects now), this rule can detect a lift of ` +
      `${visitDays(absolute)} visit days per member in ${horizonDays} days${relativeText}, at 80 % power and 5 % significance.`,
  };
}
