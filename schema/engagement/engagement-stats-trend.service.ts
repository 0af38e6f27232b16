import { badInput } from '../../server/errors';
import { assertWindow } from '../analytics/analytics.errors';
import { TrendBucket } from '../analytics/analytics.types';
import { EngagementRuleService, type EngagementRuleServiceDeps } from './engagement-rule.service';
import { EngagementStatsService, type EngagementStatsServiceDeps } from './engagement-stats.service';
import type { EngagementRuleStatsTrendArgs } from './engagement.inputs';
import type { EngagementRuleStatsWindow } from './engagement.types';

/** More windows than this is a chart nobody reads, and as many statements: ask for months instead. */
export const MAX_TREND_WINDOWS = 60;

/** Consecutive windows from `from`: 7 days, or calendar months (UTC); the last one ends at `to`. */
export function trendWindows(from: Date, to: Date, bucket: TrendBucket): { from: Date; to: Date }[] {
  const windows: { from: Date; to: Date }[] = [];
  for (let start = from; start < to;) {
    const next =
      bucket === TrendBucket.WEEK
        ? new Date(start.getTime() + 7 * 86_400_000)
        : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    const end = next < to ? next : to;
    windows.push({ from: start, to: end });
    start = end;
  }
  return windows;
}

export type EngagementStatsTrendServiceDeps = EngagementRuleServiceDeps & EngagementStatsServiceDeps;

/** A rule's statistics window by window: the console draws each lift with its interval over time. */
export class EngagementStatsTrendService {
  constructor(private readonly ctx: EngagementStatsTrendServiceDeps) {}

  async trend(args: EngagementRuleStatsTrendArgs): Promise<EngagementRuleStatsWindow[]> {
    assertWindow(args.from, args.to);
    await new EngagementRuleService(this.ctx).get(args.ruleId);
    const windows = trendWindows(args.from, args.to, args.bucket);
    if (windows.length > MAX_TREND_WINDOWS) {
      throw badInput(`At most ${MAX_TREND_WINDOWS} windows: shorten the range or use MONTH.`, { bucket: 'too many windows' });
    }
    const stats = new EngagementStatsService(this.ctx);
    const result: EngagementRuleStatsWindow[] = [];
    // One after the other: they share the request's connection.
    for (const window of windows)
      result.push({ ...window, stats: await stats.stats({ ruleId: args.ruleId, horizonDays: args.horizonDays, ...window }) });
    return result;
  }
}
