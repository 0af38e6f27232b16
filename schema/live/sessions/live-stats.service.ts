import type { Context } from '../../../server/context';
import { sql, type Sql } from '../../../server/db/sql';
import { forbidden } from '../../../server/errors';
import { assertWindow } from '../../analytics/analytics.errors';
import { roundFigure } from '../../analytics/visit-days.sql';
import { Role, MemberRow } from '../../identity/member.entity';
import { LiveSession, LiveSessionStatus } from './live-session.entity';
import { LiveErrors } from '../live.errors';
import type { LiveSessionsSummaryArgs } from './live-stats.inputs';
import type { LiveSessionStats, LiveSessionsSummary } from './live-stats.types';
import { SESSION_COLUMNS, sessionStatsRow, type SessionStatsRow } from './sessions.queries';

/** The figures a session's stats and a period's summary both report. */
const sharedFigures = (row: SessionStatsRow) => ({
  registrants: row.registrants,
  attendees: row.attendees,
  attendanceRate: roundFigure(row.attendance_rate)!,
  meanMinutesAttended: roundFigure(row.mean_minutes)!,
  replayViews: row.replay_views,
  meetingsRequested: row.meetings_requested,
  meetingsAccepted: row.meetings_accepted,
  leads: row.leads,
});

export type LiveStatsServiceDeps = Pick<Context, 'clock' | 'em'>;

/** Session KPIs (PRODUCT.md): one session, or the sessions of a period. */
export class LiveStatsService {
  constructor(private readonly ctx: LiveStatsServiceDeps) {}

  /** Admins read any session's figures; a partner those of the sessions they sponsor. */
  async sessionStats(viewer: MemberRow, sessionId: string): Promise<LiveSessionStats> {
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

  private measure(scope: Sql): Promise<SessionStatsRow> {
    return sessionStatsRow(this.ctx.em, scope, this.ctx.clock.now());
  }
}
