import { sql, type Sql } from '../../../server/db/sql';

/** Attending a partner's session for at least this long makes a consenting registrant a lead (5 minutes). */
export const LEAD_MIN_ATTENDED_SECONDS = 300;

/**
 * Time attended, as SQL shared by leads and session KPIs. Expects a CTE `scoped_sessions` with the
 * sessions' `id` and `ended_at`; defines
 *
 * - `attendance_ranges (session_id, member_id, first_joined_at, ranges)`: the UNION of a member's
 *   segments in a session as a tstzmultirange, so two tabs open at once count once and the gap of a
 *   reconnect counts not at all;
 * - `member_attendance (session_id, member_id, first_joined_at, seconds)`: that union's length.
 *
 * A segment still open (left_at null: LiveKit has not said the member left) ends when the room
 * finished (`ended_at`) if it did, else at `now`: a participant_left lost with the room is not an
 * endless presence. Segments without joined_at (a participant_left that arrived alone) are ignored.
 * range_agg and multiranges need PostgreSQL 14 or later.
 */
export function attendanceCtes(now: Date): Sql {
  return sql`
attendance_spans as (
  select a.session_id, a.member_id, a.joined_at,
         -- greatest(): a leave stamped before its join (clock skew between events) is an empty span, not an error.
         greatest(a.joined_at, coalesce(a.left_at, s.ended_at, ${now}::timestamptz)) as left_at
  from scoped_sessions s
  join attendance_segment a on a.session_id = s.id
  where a.joined_at is not null
),
attendance_ranges as (
  select session_id, member_id, min(joined_at) as first_joined_at, range_agg(tstzrange(joined_at, left_at, '[)')) as ranges
  from attendance_spans
  group by session_id, member_id
),
member_attendance as (
  select ar.session_id, ar.member_id, ar.first_joined_at,
         coalesce((select sum(extract(epoch from upper(r) - lower(r))) from unnest(ar.ranges) r), 0)::float8 as seconds
  from attendance_ranges ar
)`;
}

/**
 * `session_peak (session_id, peak)`: the most members connected at the same instant, from a CTE
 * named `source` with `session_id` and `ranges` (one row per member, as attendance_ranges). A sweep
 * over the join (+1) and leave (-1) points of each member's merged ranges: a member with two
 * connections counts once, and at an instant where one member leaves and another joins the leave
 * is taken first (ranges are half-open), so they are not counted together.
 */
export const peakConcurrentCte = (source: string) => `
session_peak as (
  select session_id, max(concurrent)::int as peak from (
    select session_id, sum(delta) over (partition by session_id order by at, delta rows unbounded preceding) as concurrent
    from (
      select src.session_id, lower(r) as at, 1 as delta from ${source} src cross join lateral unnest(src.ranges) r
      union all
      select src.session_id, upper(r) as at, -1 as delta from ${source} src cross join lateral unnest(src.ranges) r
    ) points
  ) sweep
  group by session_id
)`;
