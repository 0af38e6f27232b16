import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../../../server/db/sql';

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
  const query = sql`select member_id, joined_at, left_at from attendance_segment where session_id = ${sessionId} and participant_sid = ${participantSid}`;
  const [row] = await em.execute<AttendanceSegmentRow[]>(query.text, [...query.params]);
  return row;
}
