import type { EntityManager } from '@mikro-orm/postgresql';
import { Role, type Member } from '../identity/member.entity';

/** How the viewer stands in a session: decides joining, publishing and reading its chat. */
export interface SessionStanding {
  sessionId: string;
  status: string;
  startsAt: Date;
  endsAt: Date;
  isSpeaker: boolean;
  isRegistered: boolean;
}

/** One query: the session's state and the member's place in it; null when there is no such session. */
export async function sessionStanding(em: EntityManager, memberId: string, sessionId: string): Promise<SessionStanding | null> {
  const [row] = await em.execute<{ id: string; status: string; starts_at: Date; ends_at: Date; is_speaker: boolean; is_registered: boolean }[]>(
    `select s.id, s.status, s.starts_at, s.ends_at,
            exists (select 1 from live_session_speaker sp where sp.session_id = s.id and sp.member_id = ?) as is_speaker,
            exists (select 1 from session_registration r where r.session_id = s.id and r.member_id = ? and r.cancelled_at is null) as is_registered
       from live_session s where s.id = ?`,
    [memberId, memberId, sessionId],
  );
  if (!row) return null;
  return {
    sessionId: row.id,
    status: row.status,
    startsAt: new Date(row.starts_at),
    endsAt: new Date(row.ends_at),
    isSpeaker: row.is_speaker,
    isRegistered: row.is_registered,
  };
}

/** Speakers and admins host: they publish media and may always enter. */
export const hosts = (viewer: Member, standing: SessionStanding) => viewer.role === Role.ADMIN || standing.isSpeaker;

/** Registrants, speakers and admins take part (join, chat). */
export const takesPart = (viewer: Member, standing: SessionStanding) => hosts(viewer, standing) || standing.isRegistered;
