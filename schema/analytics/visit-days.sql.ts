import { rawSql, sql } from '../../server/db/sql';

/**
 * Visit `v` touched cut day `c.day` inside the window (`b`, day_bounds): it began before the next
 * local midnight (+ a day: safe in any zone), and its part inside the window reaches the day.
 */
const TOUCHES_CUT_DAY = rawSql(`v.started_at < least(b.to_at, (c.day + 2)::timestamp at time zone b.tz)
             and (greatest(v.started_at, b.from_at) at time zone b.tz)::date <= c.day
             and (least(v.last_activity_at, b.to_at - interval '1 microsecond') at time zone b.tz)::date >= c.day`);

/**
 * SQL shared by the KPIs. They expect a `params` CTE with `from_at`, `to_at` and `tz`, and a
 * `population` CTE with the members' `id`. per_member: each member with a visit day in the window
 * (a calendar day, community time zone, that one of their visits touched inside the window), their
 * visit days and revisit interval (PRODUCT.md: (last - first) / (days - 1), null with one day).
 *
 * The days come from the `visit_day` rollup (one row per member and day a visit touched, kept by
 * triggers on visit; see the VisitDays migration). Days wholly inside the window count as the
 * rollup has them, read from its copy per member and year as a sorted array (`visit_year`, see the
 * VisitYears migration): counted, first and last, by binary search in one row per member and year
 * (no row, nor heap visit, per member-day). A day that the window's start or end cuts through counts only if a visit touched
 * its part inside the window: checked on the visits of the members the rollup has on that day.
 * The statement must also select ROLLUP_ZONE, so readVisitDays can tell which zone it read.
 *
 * The years of visit_year to read are bounded by the window's own values (its arguments), not by the
 * `day_bounds` row: a CTE's columns are opaque to the planner, which then guessed 15,000 of 139,000
 * member-years at 5M visits and hashed the wrong side of the join with the population, or probed
 * visit_year once per member. Bound by constants (plannedRows and the benchmark's unnamed statement
 * both plan with the values), the years are estimated from the table's statistics. The local years
 * of `from` and `to` contain the whole days' years; a year with none of them counts 0 days.
 */
export const visitDaysCtes = ({ from, to, tz }: { from: Date; to: Date; tz: string }) => sql`
day_bounds as (
  select b.*, b.first_day + (not b.first_whole)::int as whole_from, b.last_day - (not b.last_whole)::int as whole_to
  from (
    select p.from_at, p.to_at, p.tz, f.first_day, l.last_day,
           ((p.from_at - interval '1 microsecond') at time zone p.tz)::date < f.first_day as first_whole,
           (p.to_at at time zone p.tz)::date > l.last_day as last_whole
    from params p
    cross join lateral (select (p.from_at at time zone p.tz)::date as first_day) f
    cross join lateral (select ((p.to_at - interval '1 microsecond') at time zone p.tz)::date as last_day) l
  ) b
),
whole_days as (
  -- Per member and year, the days in [whole_from, whole_to] of its sorted array: below = the days
  -- before whole_from, through = the days up to whole_to (binary searches). Taken out of the array
  -- per row (offset 0), so grouping sorts scalars rather than the arrays.
  select y.member_id, sum(w.days)::int as days, min(w.first_day) as first_day, max(w.last_day) as last_day
  from day_bounds b
  cross join visit_year y
  cross join lateral (
    select s.through - s.below as days, y.days[s.below + 1] as first_day, y.days[s.through] as last_day
    from (select width_bucket(b.whole_from - 1, y.days) as below, width_bucket(b.whole_to, y.days) as through) s
    offset 0
  ) w
  where y.year between extract(year from (${from}::timestamptz at time zone ${tz}::text))::int
                   and extract(year from (${to}::timestamptz at time zone ${tz}::text))::int
    and y.member_id in (select id from population) and w.days > 0
  group by y.member_id
),
cut_days as (
  select first_day as day from day_bounds where not first_whole
  union
  select last_day from day_bounds where not last_whole
),
cut_visit_days as (
  -- The members the rollup has on a cut day: found in visit_year (the day in the year's array,
  -- by binary search), read once per cut day; visit_day has no index by day, and reading it
  -- whole for one day took 0.7 s at 5M visits.
  select vd.member_id, count(*)::int as days, min(vd.day) as first_day, max(vd.day) as last_day
  from day_bounds b
  cross join cut_days c
  cross join lateral (
    select y.member_id, c.day from visit_year y
    where y.year = extract(year from c.day)::int and y.days[width_bucket(c.day, y.days)] = c.day
  ) vd
  where vd.member_id in (select id from population)
    -- A visit touched that day inside the window (the last two conditions, in the community's
    -- zone). It began before the next local midnight (+ a day: safe in any zone), and either in
    -- the two days before the day (by visit_member_id_started_at_index: a handful of rows) or
    -- earlier, and then it lasted at least a day, far over 12 hours in any zone (by the partial
    -- visit_long_member_id_last_activity_at_index: long visits are few). One probe from the day
    -- back through all of a member's visits read ~55 rows each for members whose visit that day
    -- fell outside the window.
    and (exists (select from visit v
           where v.member_id = vd.member_id and v.last_activity_at >= b.from_at
             and v.started_at >= (c.day - 2)::timestamp at time zone b.tz
             and ${TOUCHES_CUT_DAY})
      or exists (select from visit v
           where v.member_id = vd.member_id and v.last_activity_at - v.started_at >= interval '12 hours'
             and v.last_activity_at >= greatest(b.from_at, (c.day - 1)::timestamp at time zone b.tz)
             and ${TOUCHES_CUT_DAY}))
  group by vd.member_id
),
per_member as (
  select member_id, days, (last_day - first_day)::numeric / nullif(days - 1, 0) as interval
  from (
    select coalesce(w.member_id, c.member_id) as member_id, coalesce(w.days, 0) + coalesce(c.days, 0) as days,
           least(w.first_day, c.first_day) as first_day, greatest(w.last_day, c.last_day) as last_day
    from whole_days w full join cut_visit_days c on c.member_id = w.member_id
  ) member_days
)`;

/** The zone the visit_day rollup is in, read in the same snapshot as the figures (see readVisitDays). */
export const ROLLUP_ZONE = sql`(select zone from visit_day_zone) as rollup_zone`;

/** Rounds to 6 decimals: KPI figures are compared exactly in tests and shown to people. */
export const roundFigure = (value: number | string | null) => (value === null ? null : Math.round(Number(value) * 1e6) / 1e6);

/**
 * Each member's latest visit before the window's end (expects `params.to_at`): the latest activity
 * among the visits that started before it. From visit_latest (one narrow row per member, see the
 * VisitLatest migration) for the members whose visits all started before it; for the others (who
 * visited since), one probe of visit (member_id, last_activity_at) each.
 */
export const LAST_VISIT_CTE = sql`
member_last_visit as materialized (
  select l.member_id, l.last_activity_at as last_visit
  from params p cross join visit_latest l
  where l.started_at < p.to_at
  union all
  select l.member_id, lv.last_visit
  from params p
  cross join visit_latest l
  cross join lateral (
    select v.last_activity_at as last_visit from visit v
    where v.member_id = l.member_id and v.started_at < p.to_at
    order by v.last_activity_at desc limit 1
  ) lv
  where l.started_at >= p.to_at
)`;

/** Each member's latest view before the window's end (expects `params.to_at`). */
export const LAST_VIEW_CTE = sql`
member_last_view as materialized (
  select cv.member_id, max(cv.last_seen_at) as last_view from content_view cv, params p where cv.first_seen_at < p.to_at group by cv.member_id
)`;

/**
 * PRODUCT.md's at-risk member as of `params.to_at`: no visit in the last `noVisitDays` and no
 * content seen in the last `noViewDays` (SQL expressions for each).
 */
export const atRiskCondition = (lastVisit: string, lastView: string, noVisitDays: string, noViewDays: string) =>
  rawSql(`((${lastVisit} is null or ${lastVisit} < p.to_at - make_interval(days => ${noVisitDays}))
    and (${lastView} is null or ${lastView} < p.to_at - make_interval(days => ${noViewDays})))`);

/**
 * Eligible members for an item published at `publishedAt` (PRODUCT.md: a visit since then, i.e.
 * a latest visit since then), from the latest visits sorted ascending in `lasts` (`n` of them):
 * a binary search, where joining items to visits would be items × visits rows.
 */
export const eligibleSince = (lasts: string, n: string, publishedAt: string) =>
  rawSql(`coalesce(${n} - width_bucket(${publishedAt} - interval '1 microsecond', ${lasts}), 0)`);
