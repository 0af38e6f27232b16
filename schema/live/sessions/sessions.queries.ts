import type { EntityManager } from '@mikro-orm/postgresql';
import { readModel } from '../../../server/db/read-model';
import { EMPTY_SQL, sql, uuidArray, type Sql } from '../../../server/db/sql';
import { inPairOrder, pairsOf, type PairRow } from '../../../server/viewer-loader';
import { MemberRow } from '../../identity/member.entity';
import { LEAD_EVIDENCE_CTES } from '../leads/lead.service';
import { attendanceCtes, peakConcurrentCte } from './attendance.sql';
import { LiveSessionRow, type LiveSessionStatus } from './live-session.entity';
import { SessionRegistrationRow } from './registration.entity';
import { queryRows } from '../../../server/db/read-query';

/** Live sessions' reads that bypass the ORM (sessions, speakers, registrations, rosters, KPIs), each one statement built with the sql helper. */

const rows = queryRows;

export async function liveSessionsByIds(em: EntityManager, ids: readonly string[]): Promise<LiveSessionRow[]> {
  return (await rows(em, sql`select * from live_session where id = any(${uuidArray(ids)}::uuid[])`)).map(readModel(em, LiveSessionRow));
}

/** Each session's speakers as (session id, member) pairs, by display name. */
export async function speakersOfSessions(em: EntityManager, ids: readonly string[]): Promise<[string, MemberRow][]> {
  const found = await rows<Record<string, unknown> & { session_id: string }>(
    em,
    sql`select s.session_id, m.* from live_session_speaker s join member m on m.id = s.member_id
          where s.session_id = any(${uuidArray(ids)}::uuid[]) order by m.display_name, m.id`,
  );
  const toMember = readModel(em, MemberRow);
  return found.map((row) => [row.session_id, toMember(row)]);
}

/** Active registrations per session (sessions without any are absent). */
export async function registrantCounts(em: EntityManager, ids: readonly string[]): Promise<Map<string, number>> {
  const found = await rows<{ session_id: string; count: number }>(
    em,
    sql`select session_id, count(*)::int as count from session_registration
          where session_id = any(${uuidArray(ids)}::uuid[]) and cancelled_at is null group by session_id`,
  );
  return new Map(found.map((row) => [row.session_id, row.count]));
}

/** For each (viewer, session id) pair, the viewer's active registration (or null), in the pairs' order. */
export async function viewerRegistrations(
  em: EntityManager,
  viewerIds: string[],
  ids: string[],
): Promise<(SessionRegistrationRow | null)[]> {
  const found = await rows<PairRow>(
    em,
    sql`select k.viewer_id, k.id as key_id, r.* from ${pairsOf(viewerIds, ids)}
          join session_registration r on r.member_id = k.viewer_id and r.session_id = k.id and r.cancelled_at is null`,
  );
  return inPairOrder(viewerIds, ids, found, readModel(em, SessionRegistrationRow), null);
}

/** An active registrant to tell about their session, with its title. */
export interface RegistrantNotice {
  member_id: string;
  title: string;
}

/** The session's active registrants but `exceptMemberId` (who acted). */
export function registrantsToNotify(em: EntityManager, sessionId: string, exceptMemberId: string | null): Promise<RegistrantNotice[]> {
  return rows<RegistrantNotice>(
    em,
    sql`select r.member_id, s.title from session_registration r join live_session s on s.id = r.session_id
         where r.session_id = ${sessionId} and r.cancelled_at is null and r.member_id is distinct from ${exceptMemberId}::uuid`,
  );
}

/** Which sessions a page lists: of one status, or still running at `from` (null: any). */
export interface SessionFilter {
  status: LiveSessionStatus | null;
  from: Date | null;
}

/** Sessions soonest first after the keyset cursor (startsAt, id), up to `limit`, and their total. */
export async function sessionPage(em: EntityManager, { status, from }: SessionFilter, cursor: readonly unknown[] | null, limit: number) {
  const matching = sql`(${status}::live_session_status is null or status = ${status}::live_session_status)
          and (${from}::timestamptz is null or ends_at >= ${from}::timestamptz)`;
  const found = await rows(
    em,
    sql`select * from live_session
        where ${matching}
          ${cursor ? sql`and (starts_at, id) > (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)` : EMPTY_SQL}
        order by starts_at, id limit ${limit}`,
  );
  return {
    items: found.map(readModel(em, LiveSessionRow)),
    totalCount: async () =>
      (await rows<{ count: number }>(em, sql`select count(*)::int as count from live_session where ${matching}`))[0].count,
  };
}

/** The ids among `ids` (well-formed UUIDs) that name a member. */
export async function existingMemberIds(em: EntityManager, ids: readonly string[]): Promise<string[]> {
  return (await rows<{ id: string }>(em, sql`select id from member where id = any(${uuidArray(ids)}::uuid[])`)).map((row) => row.id);
}

/** What seats in a session are decided on: its status and capacity. */
export interface SeatRules {
  status: LiveSessionStatus;
  capacity: number | null;
  ends_at: Date;
}

/**
 * The session's status and capacity, its row locked until the transaction ends (null: no such
 * session). Whatever takes, frees or limits seats takes this lock first, so that a seat count is
 * still true when it is acted on: the last seat goes once, and a capacity is never set below it.
 */
export async function lockSeats(em: EntityManager, sessionId: string): Promise<SeatRules | null> {
  const [rules] = await rows<SeatRules>(em, sql`select status, capacity, ends_at from live_session where id = ${sessionId} for update`);
  return rules ?? null;
}

/** Seats a session's active registrations take, and whether `memberId` holds one of them. */
export async function seatsTaken(em: EntityManager, sessionId: string, memberId: string): Promise<{ taken: number; mine: boolean }> {
  const [seats] = await rows<{ taken: number; mine: boolean }>(
    em,
    sql`select count(*)::int as taken, bool_or(member_id = ${memberId}) is true as mine
          from session_registration where session_id = ${sessionId} and cancelled_at is null`,
  );
  return seats;
}

/** A session's recording as an admin starts it: its status and the egress already recording, if any. */
export interface RecordingState {
  status: LiveSessionStatus;
  recording_egress_id: string | null;
}

export async function recordingState(em: EntityManager, sessionId: string): Promise<RecordingState | null> {
  const [state] = await rows<RecordingState>(em, sql`select status, recording_egress_id from live_session where id = ${sessionId}`);
  return state ?? null;
}

/**
 * Takes the session's recording lock until the transaction ends: whoever decides whether to start
 * an egress, or that the one recorded with has ended, does it one at a time. An advisory lock,
 * not the row's: it is held while LiveKit answers, and registrations and webhooks must not wait.
 */
export async function lockRecording(em: EntityManager, sessionId: string): Promise<void> {
  await rows(em, sql`select pg_advisory_xact_lock(hashtextextended('recording:' || ${sessionId}::text, 0))`);
}

/** One connection's attendance segment: who, and when they joined and left. */
export interface AttendanceSegmentRow {
  member_id: string;
  joined_at: Date | null;
  left_at: Date | null;
}

/** One connection's attendance segment as it is now (what its visit is made of), or undefined. */
export async function attendanceSegment(
  em: EntityManager,
  sessionId: string,
  participantSid: string,
): Promise<AttendanceSegmentRow | undefined> {
  const [row] = await rows<AttendanceSegmentRow>(
    em,
    sql`select member_id, joined_at, left_at from attendance_segment where session_id = ${sessionId} and participant_sid = ${participantSid}`,
  );
  return row;
}

/** Who may be in a session's room: its status, times, speakers and active registrants. */
export interface SessionRosterRow {
  id: string;
  status: string;
  starts_at: string;
  ends_at: string;
  speakers: string[];
  registrants: string[];
}

export async function sessionRosterRow(em: EntityManager, sessionId: string): Promise<SessionRosterRow | null> {
  const [row] = await rows<SessionRosterRow>(
    em,
    sql`select s.id, s.status, s.starts_at, s.ends_at,
              array(select member_id::text from live_session_speaker where session_id = s.id) as speakers,
              array(select member_id::text from session_registration where session_id = s.id and cancelled_at is null) as registrants
         from live_session s where s.id = ${sessionId}`,
  );
  return row ?? null;
}

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

/** The session KPIs of a set of sessions, summed. */
export interface SessionStatsRow {
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

/** The columns `scoped_sessions` needs, for a scope of sessions (`... where`). */
export const SESSION_COLUMNS = sql`select s.id, s.ended_at, s.partner_id, s.replay_id from live_session s`;

/** The KPIs of the sessions `scope` selects (SESSION_COLUMNS ... where), with connections still open ended at `now`. */
export async function sessionStatsRow(em: EntityManager, scope: Sql, now: Date): Promise<SessionStatsRow> {
  const [row] = await rows<SessionStatsRow>(em, statsSql(scope, now));
  return row;
}
