import type { EntityManager } from '@mikro-orm/postgresql';
import { readModel } from '../../server/db/read-model';
import { rawSql, sql, type Sql } from '../../server/db/sql';
import { MemberRow } from '../identity/member.entity';
import { ReachGroupBy, ReachOrderBy, type MemberActivityDay } from './analytics.types';
import type { RollupRead } from './visit-day-rollup';
import { atRiskCondition, eligibleSince, LAST_VIEW_CTE, LAST_VISIT_CTE, ROLLUP_ZONE, visitDaysCtes } from './visit-days.sql';
import { oneShotRows, plannedRows, queryRows } from '../../server/db/read-query';

/**
 * The KPIs of PRODUCT.md, each one statement built with the sql helper. The figures over visit
 * days select ROLLUP_ZONE: run them through readVisitDays (visit-day-rollup).
 */

const rows = plannedRows;

/** A window of time: from inclusive, to exclusive. */
export interface KpiWindow {
  from: Date;
  to: Date;
}

/** Whose revisit frequency: members of one company or role, or everyone (null). */
export interface RevisitScope extends KpiWindow {
  tz: string;
  company: string | null;
  role: string | null;
}

/** Revisit frequency over a window, as one row: the means, and the members in each band. */
export interface RevisitRow extends RollupRead {
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

/**
 * PRODUCT.md, in one statement. Visit days: the calendar days (community time zone) a visit
 * touched inside the window, read from the visit_day rollup. Member interval: (last day - first
 * day) / (days - 1), for members with 2+ days. Population: members who existed before the
 * window's end (optionally of one company or role); those without a visit day are NO_VISIT.
 *
 * The population is inlined where it is used (`not materialized`) and filtered by the arguments
 * themselves rather than the params row, so the planner knows its size (a CTE's rows are opaque to
 * it): at 5M visits it had guessed 29 members of 75,761 and probed visit_year once per member. The
 * figures come from per_member alone (NO_VISIT is the population's count less the members with a
 * day) instead of joining every member to it.
 */
export function revisitStatement({ from, to, tz, company, role }: RevisitScope): Sql {
  return sql`
with params as (select ${from}::timestamptz as from_at, ${to}::timestamptz as to_at, ${tz}::text as tz, ${company}::text as company, ${role}::text as role),
population as not materialized (
  select m.id from member m
  where m.created_at < ${to}::timestamptz and (${company}::text is null or m.company = ${company}::text)
    and (${role}::text is null or m.role::text = ${role}::text)
),
${visitDaysCtes({ from, to, tz })}
select
  avg(pm.interval)::float8 as mean_days,
  percentile_cont(0.5) within group (order by pm.interval) as median_days,
  count(pm.interval)::int as measured,
  count(*) filter (where pm.interval <= 1.5)::int as daily,
  count(*) filter (where pm.interval > 1.5 and pm.interval <= 7)::int as weekly,
  count(*) filter (where pm.interval > 7 and pm.interval <= 30)::int as monthly,
  count(*) filter (where pm.interval > 30)::int as rare,
  count(*) filter (where pm.days = 1)::int as one_visit,
  (select count(*) from population)::int - count(*)::int as no_visit,
  ${ROLLUP_ZONE}
from per_member pm`;
}

export const revisitRows = (em: EntityManager, scope: RevisitScope) => rows<RevisitRow>(em, revisitStatement(scope));

/** Every week or month start (`unit`, `step` apart) after `from`'s up to `to`, in zone `tz`: the ends of trend windows. */
export async function trendEnds(
  em: EntityManager,
  tz: string,
  unit: 'week' | 'month',
  step: string,
  { from, to }: KpiWindow,
): Promise<Date[]> {
  const [{ ends }] = await rows<{ ends: (Date | string)[] }>(
    em,
    sql`select coalesce(array_agg(b at time zone p.tz order by b), '{}') as ends
         from (select ${tz}::text as tz, ${unit}::text as unit, ${step}::interval as step, ${from}::timestamptz as from_at, ${to}::timestamptz as to_at) p,
              generate_series(date_trunc(p.unit, p.from_at at time zone p.tz) + p.step, p.to_at at time zone p.tz, p.step) b`,
  );
  return ends.map((value) => new Date(value));
}

/** Who counts as at risk as of `now`, and how a page of them is cut. */
export interface AtRiskQuery {
  now: Date;
  noVisitDays: number;
  noViewDays: number;
  horizonDays: number;
  offset: number;
  limit: number;
}

/** An at-risk member with their latest visit and view. */
export interface AtRiskRow {
  member: MemberRow;
  lastVisitAt: Date | null;
  lastViewAt: Date | null;
}

/**
 * PRODUCT.md: no visit in the last `noVisitDays` and no content seen in the last `noViewDays`.
 * Paid members renewing within `horizonDays` first (soonest renewal first), then the longest absent.
 */
export async function atRiskRows(
  em: EntityManager,
  { now, noVisitDays, noViewDays, horizonDays, offset, limit }: AtRiskQuery,
): Promise<AtRiskRow[]> {
  const found = await rows<Record<string, unknown>>(
    em,
    sql`
-- The shared CTEs take activity strictly before to_at: up to and including now here.
with params as (select ${now}::timestamptz + interval '1 microsecond' as to_at, ${noVisitDays}::int as no_visit_days, ${noViewDays}::int as no_view_days, ${horizonDays}::int as horizon),
${LAST_VISIT_CTE},
${LAST_VIEW_CTE},
candidates as (
  select m.*, lv.last_visit, lw.last_view,
         (m.membership = 'PAID' and m.renewal_date is not null
          and m.renewal_date <= ((p.to_at at time zone 'UTC')::date + p.horizon)) as renewing
  from member m
  left join member_last_visit lv on lv.member_id = m.id
  left join member_last_view lw on lw.member_id = m.id, params p
  where m.created_at < p.to_at and ${atRiskCondition('lv.last_visit', 'lw.last_view', 'p.no_visit_days', 'p.no_view_days')}
)
select c.* from candidates c
order by c.renewing desc, case when c.renewing then c.renewal_date end asc nulls last,
         coalesce(c.last_visit, c.created_at) asc, c.id asc
offset ${offset} limit ${limit}`,
  );
  const toMember = readModel(em, MemberRow);
  return found.map((row) => ({
    member: toMember(row),
    lastVisitAt: row.last_visit ? new Date(row.last_visit as string) : null,
    lastViewAt: row.last_view ? new Date(row.last_view as string) : null,
  }));
}

/**
 * Every calendar day of the window in zone `tz`, with the member's visits that touched it (as
 * visit days count them) and the content views that began on it. Read from `visit` and
 * `content_view` by the member's own indexes: one member's window is a few hundred rows.
 */
export function memberActivityDays(em: EntityManager, memberId: string, tz: string, { from, to }: KpiWindow): Promise<MemberActivityDay[]> {
  return rows<MemberActivityDay>(
    em,
    sql`
with params as (select ${memberId}::uuid as member_id, ${from}::timestamptz as from_at, ${to}::timestamptz as to_at, ${tz}::text as tz),
days as (
  select generate_series((p.from_at at time zone p.tz)::date, ((p.to_at - interval '1 microsecond') at time zone p.tz)::date, interval '1 day')::date as day
  from params p
),
visit_days as (
  select d as day, count(*)::int as visits
  from visit v, params p, visit_day_span(v.started_at, v.last_activity_at, p.tz) d
  where v.member_id = p.member_id and v.started_at < p.to_at and v.last_activity_at >= p.from_at
  group by d
),
view_days as (
  select (cv.first_seen_at at time zone p.tz)::date as day, count(*)::int as views
  from content_view cv, params p
  where cv.member_id = p.member_id and cv.first_seen_at >= p.from_at and cv.first_seen_at < p.to_at
  group by 1
)
select to_char(d.day, 'YYYY-MM-DD') as day, coalesce(vd.visits, 0) as visits, coalesce(w.views, 0) as views
from days d left join visit_days vd on vd.day = d.day left join view_days w on w.day = d.day
order by d.day`,
  );
}

/** One company's engagement over a window. */
export interface CompanyEngagementRow extends RollupRead {
  company: string;
  members: number;
  active: number;
  mean_days: number | null;
  median_days: number | null;
  at_risk: number;
  reach: number | null;
}

/**
 * Per company: its members (those existing before the window's end), active ones, revisit
 * figures, reach over the items published in the window (unique viewers among its members /
 * its members eligible, summed per item) and at-risk members at the window's end.
 */
export function companyEngagementRows(em: EntityManager, tz: string, { from, to }: KpiWindow, offset: number, limit: number) {
  return rows<CompanyEngagementRow>(
    em,
    sql`
with params as (select ${from}::timestamptz as from_at, ${to}::timestamptz as to_at, ${tz}::text as tz),
population as (select m.id, m.company from member m, params p where m.created_at < p.to_at and m.company is not null),
${visitDaysCtes({ from, to, tz })},
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
order by c.members desc, c.company asc offset ${offset} limit ${limit}`,
  );
}

/** One member's engagement over a window; top_themes is JSON (text from some drivers). */
export interface MemberEngagementRow extends RollupRead {
  visits: number;
  visit_days: number;
  interval: number | null;
  last_visit: Date | string | null;
  items_seen: number;
  top_themes: string | { slug: string; name: string; views: number }[];
}

export function memberEngagementRows(em: EntityManager, memberId: string, tz: string, { from, to }: KpiWindow) {
  return rows<MemberEngagementRow>(
    em,
    sql`
with params as (select ${memberId}::uuid as member_id, ${from}::timestamptz as from_at, ${to}::timestamptz as to_at, ${tz}::text as tz),
population as (select member_id as id from params),
${visitDaysCtes({ from, to, tz })}
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
  ${ROLLUP_ZONE}`,
  );
}

/** Which items of the window to count, and the page. */
export interface ReachQuery extends KpiWindow {
  groupBy: ReachGroupBy;
  orderBy: ReachOrderBy;
  type?: string | null;
  themeSlug?: string | null;
  offset: number;
  limit: number;
}

/** Reach of one item or group of items. */
export interface ReachRow {
  key: string;
  label: string;
  items: number;
  views: number;
  viewers: number;
  eligible: number;
  reach: number;
  mean_seconds: number | null;
  published_at: Date | string;
}

/**
 * Per item published in the window (not drafts): views and unique viewers recorded before the
 * window's end, and eligible members (PRODUCT.md: at least one visit since it was published,
 * before the window's end). Groups sum their items.
 */
export function reachStatement({ from, to, groupBy, orderBy, type, themeSlug, offset, limit }: ReachQuery): Sql {
  const group = {
    [ReachGroupBy.ITEM]: { key: 'i.id::text', label: 'i.title', from: '' },
    [ReachGroupBy.TYPE]: { key: 'i.type::text', label: 'i.type::text', from: '' },
    [ReachGroupBy.THEME]: {
      key: 't.slug',
      label: 't.name',
      from: 'join content_theme ct on ct.content_id = i.id join theme t on t.id = ct.theme_id',
    },
  }[groupBy];
  const order = {
    [ReachOrderBy.REACH_ASC]: 'reach asc, published_at desc, key asc',
    [ReachOrderBy.REACH_DESC]: 'reach desc, key asc',
    [ReachOrderBy.VIEWS]: 'views desc, key asc',
    [ReachOrderBy.UNIQUE_VIEWERS]: 'viewers desc, key asc',
    [ReachOrderBy.NEWEST]: 'published_at desc, key asc',
  }[orderBy];
  const byType = type ? sql`and c.type::text = ${type}` : rawSql('');
  const byTheme = themeSlug
    ? sql`and exists (select 1 from content_theme ft join theme t on t.id = ft.theme_id where ft.content_id = c.id and t.slug = ${themeSlug})`
    : rawSql('');
  return sql`
-- Not materialized: the planner sees the window's bounds (a year of views is read whole, a week by index).
with params as not materialized (select ${from}::timestamptz as from_at, ${to}::timestamptz as to_at),
items as not materialized (
  select c.id, c.title, c.type, c.published_at from content c, params p
  where c.published_at >= p.from_at and c.published_at < p.to_at and c.status <> 'DRAFT' ${byType} ${byTheme}
),
-- Views, unique viewers and seconds per item from content_view_day (one row per item and UTC day
-- of first_seen_at) for the days wholly before the window's end; the views of the day it cuts
-- through, read themselves: a member counts there if they have no view of the item before that day.
cut as not materialized (
  select (p.to_at at time zone 'UTC')::date as day, date_trunc('day', p.to_at at time zone 'UTC') at time zone 'UTC' as day_at from params p
),
whole_days as (
  select d.content_id, sum(d.views)::int as views, sum(d.viewers)::int as viewers, sum(d.seconds)::bigint as seconds
  from content_view_day d, cut
  where d.content_id in (select id from items) and d.day < cut.day group by d.content_id
),
cut_day as (
  select v.content_id, count(*)::int as views, sum(v.seconds)::bigint as seconds,
         count(distinct v.member_id) filter (where not exists (
           select 1 from content_view e where e.content_id = v.content_id and e.member_id = v.member_id and e.first_seen_at < cut.day_at
         ))::int as viewers
  from content_view v, cut, params p
  where v.content_id in (select id from items) and v.first_seen_at >= cut.day_at and v.first_seen_at < p.to_at group by v.content_id
),
view_counts as (
  select i.id as content_id, coalesce(w.views, 0) + coalesce(c.views, 0) as views, coalesce(w.viewers, 0) + coalesce(c.viewers, 0) as viewers,
         case when w.content_id is not null or c.content_id is not null then coalesce(w.seconds, 0) + coalesce(c.seconds, 0) end as seconds
  from items i left join whole_days w on w.content_id = i.id left join cut_day c on c.content_id = i.id
),
${LAST_VISIT_CTE},
member_lasts as materialized (
  select array_agg(last_visit order by last_visit) as lasts, count(*)::int as n from member_last_visit
),
eligible as materialized (
  select i.id, ${eligibleSince('ml.lasts', 'ml.n', 'i.published_at')}::int as members from items i, member_lasts ml
),
grouped as (
  select ${rawSql(group.key)} as key, min(${rawSql(group.label)}) as label, count(*)::int as items,
         sum(vc.views)::int as views, sum(vc.viewers)::int as viewers,
         coalesce(sum(e.members), 0)::int as eligible, sum(vc.seconds) as seconds, max(i.published_at) as published_at
  from items i ${rawSql(group.from)}
  join view_counts vc on vc.content_id = i.id
  left join eligible e on e.id = i.id
  group by 1
)
select key, label, items, views, viewers, eligible, published_at,
       coalesce(viewers::float8 / nullif(eligible, 0), 0) as reach,
       (seconds::float8 / nullif(views, 0)) as mean_seconds
from grouped order by ${rawSql(order)} offset ${offset} limit ${limit}`;
}

export const reachRows = (em: EntityManager, query: ReachQuery) => oneShotRows<ReachRow>(em, reachStatement(query));

/**
 * Whether an item that contentReach counts (not a draft) was published inside one of the spans
 * (epoch ms: after exclusive, upTo inclusive). One index probe of content_feed_index per span.
 */
export async function publishedWithin(em: EntityManager, spans: readonly { after: number; upTo: number }[]): Promise<boolean> {
  const iso = (ms: number) => new Date(ms).toISOString();
  const [{ published }] = await queryRows<{ published: boolean }>(
    em,
    sql`select exists (
      select 1 from unnest(${spans.map((s) => iso(s.after))}::timestamptz[], ${spans.map((s) => iso(s.upTo))}::timestamptz[]) s(after_at, up_to)
      join content c on c.status in ('PUBLISHED', 'ARCHIVED') and c.published_at > s.after_at and c.published_at <= s.up_to
    ) as published`,
  );
  return published;
}
