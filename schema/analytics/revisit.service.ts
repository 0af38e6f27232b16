import type { Context } from '../../server/context';
import { assertWindow } from './analytics.errors';
import { readVisitDays, type RollupRead } from './visit-day-rollup';
import { roundFigure, ROLLUP_ZONE, VISIT_DAYS_CTES } from './visit-days.sql';
import type { RevisitFrequencyArgs, RevisitFrequencyTrendArgs } from './analytics.inputs';
import { TrendBucket, type RevisitFrequency, type RevisitFrequencyPoint } from './analytics.types';

/**
 * PRODUCT.md, in one statement. Visit days: the calendar days (community time zone) a visit
 * touched inside the window, read from the visit_day rollup. Member interval: (last day - first
 * day) / (days - 1), for members with 2+ days. Population: members who existed before the
 * window's end (optionally of one company or role); those without a visit day are NO_VISIT.
 * Params: from, to, time zone, company (or null), role (or null).
 */
export const REVISIT_SQL = `
with params as (select ?::timestamptz as from_at, ?::timestamptz as to_at, ?::text as tz, ?::text as company, ?::text as role),
population as (
  select m.id from member m, params p
  where m.created_at < p.to_at and (p.company is null or m.company = p.company) and (p.role is null or m.role::text = p.role)
),
${VISIT_DAYS_CTES}
select
  (select avg(interval)::float8 from per_member where days >= 2) as mean_days,
  (select percentile_cont(0.5) within group (order by interval) from per_member where days >= 2) as median_days,
  count(*) filter (where pm.days >= 2)::int as measured,
  count(*) filter (where pm.interval <= 1.5)::int as daily,
  count(*) filter (where pm.interval > 1.5 and pm.interval <= 7)::int as weekly,
  count(*) filter (where pm.interval > 7 and pm.interval <= 30)::int as monthly,
  count(*) filter (where pm.interval > 30)::int as rare,
  count(*) filter (where pm.days = 1)::int as one_visit,
  count(*) filter (where pm.member_id is null)::int as no_visit,
  ${ROLLUP_ZONE}
from population pop left join per_member pm on pm.member_id = pop.id`;

interface RevisitRow extends RollupRead {
  mean_days: number | null;
  median_days: number | null;
  measured: number;
  daily: number;
  weekly: number;
  monthly: number;
  rare: number;
  one_visit: number;
  no_visit: number;
}

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
    const [unit, step] = bucket === TrendBucket.WEEK ? ['week', '1 week'] : ['month', '1 month'];
    const [{ ends }] = await this.ctx.em.execute<{ ends: Date[] }[]>(
      `select coalesce(array_agg(b at time zone p.tz order by b), '{}') as ends
         from (select ?::text as tz, ?::text as unit, ?::interval as step, ?::timestamptz as from_at, ?::timestamptz as to_at) p,
              generate_series(date_trunc(p.unit, p.from_at at time zone p.tz) + p.step, p.to_at at time zone p.tz, p.step) b`,
      [this.tz, unit, step, from, to],
    );
    const points: RevisitFrequencyPoint[] = [];
    for (const end of ends.map((value) => new Date(value))) {
      const start = new Date(end.getTime() - windowDays * 86_400_000);
      points.push({ at: end, ...(await this.measure(start, end, null, null)) });
    }
    return points;
  }

  private get tz(): string {
    return this.ctx.config.communityTimezone;
  }

  private async measure(from: Date, to: Date, company: string | null, role: string | null): Promise<RevisitFrequency> {
    const [row] = await readVisitDays(this.ctx.em, this.tz, () =>
      this.ctx.em.execute<RevisitRow[]>(REVISIT_SQL, [from, to, this.tz, company, role]),
    );
    return {
      meanDays: roundFigure(row.mean_days),
      medianDays: roundFigure(row.median_days),
      membersMeasured: row.measured,
      bands: { daily: row.daily, weekly: row.weekly, monthly: row.monthly, rare: row.rare, oneVisit: row.one_visit, noVisit: row.no_visit },
    };
  }
}
