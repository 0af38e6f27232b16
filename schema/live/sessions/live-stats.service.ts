import type { Context } from '../../../server/context';
import { sql, type Sql } from '../../../server/db/sql';
import { forbidden } from '../../../server/errors';
import { assertWindow } from '../../analytics/analytics.errors';
import { roundFigure } from '../../analytics/visit-days.sql';
import { Role, type Member } from '../../identity/member.entity';
import { attendanceCtes, peakConcurrentCte } from './attendance.sql';
import { LEAD_EVIDENCE_CTES } from '../leads/lead.service';
import { LiveSession, LiveSessionStatus } from './live-session.entity';
import { LiveErrors } from '../live.errors';
import type { LiveSessionsSummaryArgs } from './live-stats.inputs';
import type { LiveSessionStats, LiveSessionsSummary } from './live-stats.types';

/**
 * The session KPIs over the sessions `scope` selects (`id, ended_at, partner_id, replay_id`), in one
 * statement: per-session counts grouped once each, then summed; ratios are ratios of the sums.
 * The audience is the active registrants: speakers and admins who join without registering host,
 * they are not counted as attendees. Leads are distinct (partner, member) pairs qualifying through
 * one of the sessions (LEAD_EVIDENCE_CTES), a meeting only when it was asked for at that session.
 */
function statsSql(scope: Sql, now: Date): Sql {
  return sql`
with scoped_sessions as (${scope}),
${attendanceCtes(now)},
${LEAD_EVIDENCE_CTES},
registrants as (
  select r.session_id, r.member_id from scoped_sessions s join session_registration r on r.session_id = s.id where r.cancelled_at is null
),
audience as (
  select ma.session_id, ma.member_id, ma.seconds, ar.ranges
  from member_attendance ma
  join attendance_ranges ar on ar.session_id = ma.session_id and ar.member_id = ma.member_id
  join registrants rg on rg.session_id = ma.session_id and rg.member_id = ma.member_id
),
${{ text: peakConcurrentCte('audience'), params: [] }},
registrant_counts as (select session_id, count(*)::int as registrants from registrants group by session_id),
attendee_counts as (select session_id, count(*)::int as attendees, sum(seconds) as seconds from audience group by session_id),
replay_views as (
  select s.id as session_id, count(*)::int as views from scoped_sessions s join content_view v on v.content_id = s.replay_id group by s.id
),
meeting_counts as (
  select m.session_id, count(*)::int as requested, count(*) filter (where m.status = 'ACCEPTED')::int as accepted
  from scoped_sessions s join meeting m on m.session_id = s.id group by m.session_id
),
session_leads as (
  select distinct e.partner_id, e.member_id from lead_evidence e where e.source <> 'MEETING' or e.meeting_session_id = e.session_id
),
totals as (
  select count(*)::int as sessions,
         coalesce(sum(rc.registrants), 0)::int as registrants,
         coalesce(sum(ac.attendees), 0)::int as attendees,
         coalesce(sum(ac.seconds), 0)::float8 as seconds,
         coalesce(max(pk.peak), 0)::int as peak_concurrent,
         coalesce(sum(rv.views), 0)::int as replay_views,
         coalesce(sum(mc.requested), 0)::int as meetings_requested,
         coalesce(sum(mc.accepted), 0)::int as meetings_accepted,
         (select count(*) from session_leads)::int as leads
  from scoped_sessions s
  left join registrant_counts rc on rc.session_id = s.id
  left join attendee_counts ac on ac.session_id = s.id
  left join session_peak pk on pk.session_id = s.id
  left join replay_views rv on rv.session_id = s.id
  left join meeting_counts mc on mc.session_id = s.id
)
select t.*,
       coalesce(t.attendees::float8 / nullif(t.registrants, 0), 0) as attendance_rate,
       coalesce(t.seconds / nullif(t.attendees, 0) / 60, 0) as mean_minutes
from totals t`;
}

interface StatsRow {
  sessions: number;
  registrants: number;
  attendees: number;
  peak_concurrent: number;
  replay_views: number;
  meetings_requested: number;
  meetings_accepted: number;
  leads: number;
  attendance_rate: number;
  mean_minutes: number;
}

/** The figures a session's stats and a period's summary both report. */
const sharedFigures = (row: StatsRow) => ({
  registrants: row.registrants,
  attendees: row.attendees,
  attendanceRate: roundFigure(row.attendance_rate)!,
  meanMinutesAttended: roundFigure(row.mean_minutes)!,
  replayViews: row.replay_views,
  meetingsRequested: row.meetings_requested,
  meetingsAccepted: row.meetings_accepted,
  leads: row.leads,
});

const SESSION_COLUMNS = sql`select s.id, s.ended_at, s.partner_id, s.replay_id from live_session s`;

export type LiveStatsServiceDeps = Pick<Context, 'clock' | 'em'>;

/** Session KPIs (PRODUCT.md): one session, or the sessions of a period. */
export class LiveStatsService {
  constructor(private readonly ctx: LiveStatsServiceDeps) {}

  /** Admins read any session's figures; a partner those of the sessions they sponsor. */
  async sessionStats(viewer: Member, sessionId: string): Promise<LiveSessionStats> {
    const session = await this.ctx.em.findOne(LiveSession, { id: sessionId }, { fields: ['id', 'partnerId'] });
    if (!session) throw LiveErrors.sessionNotFound();
    const sponsors = viewer.role === Role.PARTNER && session.partnerId === viewer.id;
    if (viewer.role !== Role.ADMIN && !sponsors) throw forbidden('Session figures are for admins and the session’s partner.');
    const row = await this.measure(sql`${SESSION_COLUMNS} where s.id = ${sessionId}::uuid`);
    return { ...sharedFigures(row), peakConcurrent: row.peak_concurrent };
  }

  /** The sessions starting in [from, to), cancelled ones excluded. */
  async summary({ from, to }: LiveSessionsSummaryArgs): Promise<LiveSessionsSummary> {
    assertWindow(from, to);
    const row = await this.measure(
      sql`${SESSION_COLUMNS} where s.starts_at >= ${from}::timestamptz and s.starts_at < ${to}::timestamptz and s.status <> ${LiveSessionStatus.CANCELLED}`,
    );
    return { sessions: row.sessions, ...sharedFigures(row) };
  }

  private async measure(scope: Sql): Promise<StatsRow> {
    const query = statsSql(scope, this.ctx.clock.now());
    const [row] = await this.ctx.em.execute<StatsRow[]>(query.text, [...query.params]);
    return row;
  }
}
