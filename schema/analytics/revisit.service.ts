import type { Context } from '../../server/context';
import { assertWindow } from './analytics.errors';
import { revisitRows, trendEnds } from './analytics.queries';
import { readVisitDays } from './visit-day-rollup';
import { roundFigure } from './visit-days.sql';
import type { RevisitFrequencyArgs, RevisitFrequencyTrendArgs } from './analytics.inputs';
import { TrendBucket, type RevisitFrequency, type RevisitFrequencyPoint } from './analytics.types';

export type RevisitServiceDeps = Pick<Context, 'config' | 'em' | 'visitTracker'>;

/** How often members come back: the first KPI. */
export class RevisitService {
  constructor(private readonly ctx: RevisitServiceDeps) {}

  async frequency({ from, to, company, role }: RevisitFrequencyArgs): Promise<RevisitFrequency> {
    assertWindow(from, to);
    // Activity this instance has coalesced but not written yet belongs in the answer.
    await this.ctx.visitTracker.flush();
    return this.measure(from, to, company ?? null, role ?? null);
  }

  /** One point per week or month start in the window: the figures over the trailing `windowDays` ending there. */
  async trend({ from, to, bucket, windowDays }: RevisitFrequencyTrendArgs): Promise<RevisitFrequencyPoint[]> {
    assertWindow(from, to);
    await this.ctx.visitTracker.flush();
    const [unit, step] = bucket === TrendBucket.WEEK ? (['week', '1 week'] as const) : (['month', '1 month'] as const);
    const ends = await trendEnds(this.ctx.em, this.tz, unit, step, { from, to });
    const points: RevisitFrequencyPoint[] = [];
    for (const end of ends) {
      const start = new Date(end.getTime() - windowDays * 86_400_000);
      points.push({ at: end, ...(await this.measure(start, end, null, null)) });
    }
    return points;
  }

  private get tz(): string {
    return this.ctx.config.communityTimezone;
  }

  private async measure(from: Date, to: Date, company: string | null, role: string | null): Promise<RevisitFrequency> {
    const [row] = await readVisitDays(this.ctx.em, this.tz, () => revisitRows(this.ctx.em, { from, to, tz: this.tz, company, role }));
    return {
      meanDays: roundFigure(row.mean_days),
      medianDays: roundFigure(row.median_days),
      membersMeasured: row.measured,
      bands: { daily: row.daily, weekly: row.weekly, monthly: row.monthly, rare: row.rare, oneVisit: row.one_visit, noVisit: row.no_visit },
    };
  }
}
