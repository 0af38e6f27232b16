import type { Context } from '../../server/context';
import { forbidden } from '../../server/errors';
import { isSelfOrAdmin } from '../identity/authorization';
import { decodeOffset, toOffsetConnection, type ConnectionShape } from '../../server/pagination';
import { MemberService, type MemberServiceDeps } from '../identity/member.service';
import { assertWindow } from './analytics.errors';
import type { CompanyEngagementArgs, MemberEngagementArgs } from './analytics.inputs';
import type { CompanyEngagement, MemberEngagement } from './analytics.types';
import { readVisitDays, type RollupRead } from './visit-day-rollup';
import { atRiskCondition, eligibleSince, LAST_VIEW_CTE, LAST_VISIT_CTE, roundFigure, ROLLUP_ZONE, VISIT_DAYS_CTES } from './visit-days.sql';

/**
 * Per company: its members (those existing before the window's end), active ones, revisit
 * figures, reach over the items published in the window (unique viewers among its members /
 * its members eligible, summed per item) and at-risk members at the window's end.
 * Params: from, to, tz, offset, limit.
 */
const COMPANY_SQL = `
with params as (select ?::timestamptz as from_at, ?::timestamptz as to_at, ?::text as tz),
population as (select m.id, m.company from member m, params p where m.created_at < p.to_at and m.company is not null),
${VISIT_DAYS_CTES},
items as (select c.id, c.published_at from content c, params p where c.published_at >= p.from_at and c.published_at < p.to_at and c.status <> 'DRAFT'),
${LAST_VISIT_CTE},
${LAST_VIEW_CTE},
company_lasts as materialized (
  select pop.company, array_agg(lv.last_visit order by lv.last_visit) as lasts, count(*)::int as n
  from population pop join member_last_visit lv on lv.member_id = pop.id group by pop.company
),
company_eligible as (
  select cl.company, sum(${eligibleSince('cl.lasts', 'cl.n', 'i.published_at')})::int as eligible
  from company_lasts cl cross join items i group by cl.company
),
company_viewers as (
  select pop.company, count(*)::int as viewers from (
    select distinct v.content_id, v.member_id from content_view v join items i on i.id = v.content_id, params p where v.first_seen_at < p.to_at
  ) seen join population pop on pop.id = seen.member_id group by pop.company
),
companies as (
  select pop.company, count(*)::int as members, count(pm.member_id)::int as active,
         avg(pm.interval) filter (where pm.days >= 2)::float8 as mean_days,
         percentile_cont(0.5) within group (order by pm.interval) filter (where pm.days >= 2) as median_days,
         count(*) filter (where ${atRiskCondition('lv.last_visit', 'lw.last_view', '30', '60')})::int as at_risk
  from population pop
  left join per_member pm on pm.member_id = pop.id
  left join member_last_visit lv on lv.member_id = pop.id
  left join member_last_view lw on lw.member_id = pop.id, params p
  group by pop.company
)
select c.*, coalesce(cv.viewers::float8 / nullif(ce.eligible, 0), 0) as reach, ${ROLLUP_ZONE}
from companies c left join company_viewers cv on cv.company = c.company left join company_eligible ce on ce.company = c.company
order by c.members desc, c.company asc offset ? limit ?`;

/** Params: member, from, to, tz. */
const MEMBER_SQL = `
with params as (select ?::uuid as member_id, ?::timestamptz as from_at, ?::timestamptz as to_at, ?::text as tz),
population as (select member_id as id from params),
${VISIT_DAYS_CTES}
select
  (select count(*) from visit v, params p where v.member_id = p.member_id and v.started_at < p.to_at and v.last_activity_at >= p.from_at)::int as visits,
  coalesce((select days from per_member), 0) as visit_days,
  (select interval::float8 from per_member) as interval,
  (select max(v.last_activity_at) from visit v, params p where v.member_id = p.member_id and v.started_at < p.to_at and v.last_activity_at >= p.from_at) as last_visit,
  (select count(distinct cv.content_id) from content_view cv, params p
    where cv.member_id = p.member_id and cv.first_seen_at >= p.from_at and cv.first_seen_at < p.to_at)::int as items_seen,
  (select coalesce(json_agg(t order by t.views desc, t.slug), '[]') from (
     select th.slug, th.name, count(*)::int as views from content_view cv join content_theme ct on ct.content_id = cv.content_id
       join theme th on th.id = ct.theme_id, params p
      where cv.member_id = p.member_id and cv.first_seen_at >= p.from_at and cv.first_seen_at < p.to_at
      group by th.slug, th.name order by views desc, th.slug limit 5) t) as top_themes,
  ${ROLLUP_ZONE}`;

export type AccountEngagementServiceDeps = Pick<Context, 'config' | 'em' | 'viewer' | 'visitTracker'> & MemberServiceDeps;

/** Engagement per account and per member. */
export class AccountEngagementService {
  constructor(private readonly ctx: AccountEngagementServiceDeps) {}

  async companies({ from, to, first, after }: CompanyEngagementArgs): Promise<ConnectionShape<CompanyEngagement>> {
    assertWindow(from, to);
    await this.ctx.visitTracker.flush();
    const offset = decodeOffset(after);
    const zone = this.ctx.config.communityTimezone;
    const rows = await readVisitDays(this.ctx.em, zone, () =>
      this.ctx.em.execute<(RollupRead & Record<string, any>)[]>(COMPANY_SQL, [from, to, zone, offset, first + 1]),
    );
    return toOffsetConnection(rows, first, offset, (row) => ({
      company: row.company,
      members: row.members,
      activeMembers: row.active,
      revisitMeanDays: roundFigure(row.mean_days),
      revisitMedianDays: roundFigure(row.median_days),
      contentReach: roundFigure(row.reach) ?? 0,
      atRiskMembers: row.at_risk,
    }));
  }

  /** A member's own figures; admins may read anyone's. */
  async member({ memberId, from, to }: MemberEngagementArgs): Promise<MemberEngagement> {
    if (!isSelfOrAdmin(this.ctx, memberId)) throw forbidden('You can only see your own engagement.');
    assertWindow(from, to);
    await new MemberService(this.ctx).get(memberId);
    await this.ctx.visitTracker.flush();
    const zone = this.ctx.config.communityTimezone;
    const [row] = await readVisitDays(this.ctx.em, zone, () =>
      this.ctx.em.execute<(RollupRead & Record<string, any>)[]>(MEMBER_SQL, [memberId, from, to, zone]),
    );
    return {
      visits: row.visits,
      visitDays: row.visit_days,
      revisitIntervalDays: roundFigure(row.interval),
      lastVisitAt: row.last_visit ? new Date(row.last_visit) : null,
      itemsSeen: row.items_seen,
      topThemes: typeof row.top_themes === 'string' ? JSON.parse(row.top_themes) : row.top_themes,
    };
  }
}
