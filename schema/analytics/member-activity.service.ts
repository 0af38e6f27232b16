import type { Context } from '../../server/context';
import { forbidden } from '../../server/errors';
import { isSelfOrAdmin } from '../identity/authorization';
import { MemberService, type MemberServiceDeps } from '../identity/member.service';
import { assertWindow } from './analytics.errors';
import type { MemberEngagementArgs } from './analytics.inputs';
import type { MemberActivityDay } from './analytics.types';

/**
 * Every calendar day of the window in the community's time zone, with the member's visits that
 * touched it (as visit days count them) and the content views that began on it. Read from `visit`
 * and `content_view` by the member's own indexes: one member's window is a few hundred rows.
 * Params: member, from, to, tz.
 */
const ACTIVITY_SQL = `
with params as (select ?::uuid as member_id, ?::timestamptz as from_at, ?::timestamptz as to_at, ?::text as tz),
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
order by d.day`;

export type MemberActivityServiceDeps = Pick<Context, 'config' | 'em' | 'viewer' | 'visitTracker'> & MemberServiceDeps;

/** One member's activity day by day: what an admin opens from an at-risk row. */
export class MemberActivityService {
  constructor(private readonly ctx: MemberActivityServiceDeps) {}

  async days({ memberId, from, to }: MemberEngagementArgs): Promise<MemberActivityDay[]> {
    if (!isSelfOrAdmin(this.ctx, memberId)) throw forbidden('You can only see your own activity.');
    assertWindow(from, to);
    await new MemberService(this.ctx).get(memberId);
    await this.ctx.visitTracker.flush();
    return this.ctx.em.execute<MemberActivityDay[]>(ACTIVITY_SQL, [memberId, from, to, this.ctx.config.communityTimezone]);
  }
}
