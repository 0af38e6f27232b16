import { Role, MemberRow } from '../identity/member.entity';

/** How the viewer stands in a session (from its roster): decides joining, publishing and its chat. */
export interface SessionStanding {
  sessionId: string;
  status: string;
  startsAt: Date;
  endsAt: Date;
  isSpeaker: boolean;
  isRegistered: boolean;
}

/** Speakers and admins host: they publish media and may always enter. */
export const hosts = (viewer: MemberRow, standing: SessionStanding) => viewer.role === Role.ADMIN || standing.isSpeaker;

/** Registrants, speakers and admins take part (join, chat). */
export const takesPart = (viewer: MemberRow, standing: SessionStanding) => hosts(viewer, standing) || standing.isRegistered;
