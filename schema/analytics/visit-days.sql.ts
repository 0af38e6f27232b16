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
