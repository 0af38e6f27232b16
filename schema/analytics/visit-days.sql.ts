/**
 * SQL shared by the KPIs. They expect a `params` CTE with `from_at`, `to_at` and `tz`, and a
 * `population` CTE with the members' `id`.
 *
 * visit_days: the calendar days (community time zone) each visit touched inside the window;
 * per_member: each member's visit days and revisit interval (PRODUCT.md: (last - first) / (days - 1),
 * null with fewer than two days).
 */
export const VISIT_DAYS_CTES = `
spans as materialized (
  select v.member_id,
         (greatest(v.started_at, p.from_at) at time zone p.tz)::date as d1,
         (least(v.last_activity_at, p.to_at - interval '1 microsecond') at time zone p.tz)::date as d2
  from params p
  join visit v on v.started_at < p.to_at and v.last_activity_at >= p.from_at
  join population pop on pop.id = v.member_id
),
-- Nearly every visit starts and ends on one day: its two ends, and a series only for the rare
-- visits spanning more than one midnight (a third faster than a series per visit).
visit_days as (
  select member_id, d1 as day from spans
  union
  select member_id, d2 from spans where d2 > d1
  union
  select s.member_id, d::date from spans s cross join lateral generate_series(s.d1 + 1, s.d2 - 1, interval '1 day') d where s.d2 > s.d1 + 1
),
per_member as (
  select member_id, count(*)::int as days, (max(day) - min(day))::numeric / nullif(count(*) - 1, 0) as interval
  from visit_days group by member_id
)`;

/** Rounds to 6 decimals: KPI figures are compared exactly in tests and shown to people. */
export const roundFigure = (value: number | string | null) => (value === null ? null : Math.round(Number(value) * 1e6) / 1e6);

/** Each member's latest visit before the window's end (expects `params.to_at`). */
export const LAST_VISIT_CTE = `
member_last_visit as materialized (
  select v.member_id, max(v.last_activity_at) as last_visit from visit v, params p where v.started_at < p.to_at group by v.member_id
)`;

/** Each member's latest view before the window's end (expects `params.to_at`). */
export const LAST_VIEW_CTE = `
member_last_view as materialized (
  select cv.member_id, max(cv.last_seen_at) as last_view from content_view cv, params p where cv.first_seen_at < p.to_at group by cv.member_id
)`;

/**
 * PRODUCT.md's at-risk member as of `params.to_at`: no visit in the last `noVisitDays` and no
 * content seen in the last `noViewDays` (SQL expressions for each).
 */
export const atRiskCondition = (lastVisit: string, lastView: string, noVisitDays: string, noViewDays: string) =>
  `((${lastVisit} is null or ${lastVisit} < p.to_at - make_interval(days => ${noVisitDays}))
    and (${lastView} is null or ${lastView} < p.to_at - make_interval(days => ${noViewDays})))`;

/**
 * Eligible members for an item published at `publishedAt` (PRODUCT.md: a visit since then, i.e.
 * a latest visit since then), from the latest visits sorted ascending in `lasts` (`n` of them):
 * a binary search, where joining items to visits would be items × visits rows.
 */
export const eligibleSince = (lasts: string, n: string, publishedAt: string) =>
  `coalesce(${n} - width_bucket(${publishedAt} - interval '1 microsecond', ${lasts}), 0)`;
