import { isUUID } from 'class-validator';
import type { Context } from '../../../server/context';
import { issueJoinToken, sessionRoomName } from '../../../integrations/livekit/join-token';
import { hosts, takesPart } from '../live-access';
import { LiveErrors } from '../live.errors';
import { LiveSessionStatus } from './live-session.entity';
import { standingIn, type SessionRoster } from './session-roster';
import type { LiveJoin } from '../live.types';
import type { MemberRow } from '../../identity/member.entity';

/** The room opens this long before the start. */
export const ROOM_OPENS_BEFORE_MS = 15 * 60_000;
/** A token admits until the end (or now, in an overrun) plus this margin; connected participants are not cut off at expiry. */
const TOKEN_MARGIN_AFTER_END_MS = 30 * 60_000;

/** What other participants read of a participant's role (the participant's metadata). */
const HOST_METADATA = JSON.stringify({ role: 'host' });
const ATTENDEE_METADATA = JSON.stringify({ role: 'attendee' });

export type LiveJoinServiceDeps = Pick<Context, 'clock' | 'config' | 'rosters'>;

/**
 * Room-scoped LiveKit tokens. Admission is decided from the session's roster (one query per
 * session, shared by the herd of joins when a webinar starts), then the token is signed locally:
 * joining is on the hot path of a webinar start (benchmark P6).
 */
export class LiveJoinService {
  constructor(private readonly ctx: LiveJoinServiceDeps) {}

  /** Synchronous when the session's roster is loaded, as it is for every join of a herd but the first. */
  join(viewer: MemberRow, sessionId: string): LiveJoin | Promise<LiveJoin> {
    const now = this.ctx.clock.now().getTime();
    const roster = this.ctx.rosters.loaded(sessionId, now);
    return roster === undefined ? this.joinOnceLoaded(viewer, sessionId) : this.admit(viewer, roster, now);
  }

  private async joinOnceLoaded(viewer: MemberRow, sessionId: string): Promise<LiveJoin> {
    const roster = isUUID(sessionId) ? await this.ctx.rosters.get(sessionId) : null;
    return this.admit(viewer, roster, this.ctx.clock.now().getTime());
  }

  private admit(viewer: MemberRow, roster: SessionRoster | null, now: number): LiveJoin {
    if (!roster) throw LiveErrors.sessionNotFound();
    const standing = standingIn(roster, viewer);
    if (standing.status === LiveSessionStatus.CANCELLED) throw LiveErrors.closed(standing.status);
    if (!takesPart(viewer, standing)) throw LiveErrors.notRegistered();
    // A LIVE room admits however long it overruns (a registrant who dropped gets back in), as its chat does;
    // a session whose end passed without its room ever starting is over.
    if (standing.status === LiveSessionStatus.ENDED || (standing.status !== LiveSessionStatus.LIVE && now >= standing.endsAt.getTime()))
      throw LiveErrors.over();
    const opensAt = standing.startsAt.getTime() - ROOM_OPENS_BEFORE_MS;
    if (now < opensAt && !hosts(viewer, standing)) throw LiveErrors.tooEarly(new Date(opensAt));

    const canPublish = hosts(viewer, standing);
    const roomName = sessionRoomName(standing.sessionId);
    const ttlSeconds = Math.ceil((Math.max(standing.endsAt.getTime(), now) + TOKEN_MARGIN_AFTER_END_MS - now) / 1000);
    const { token, expiresAt } = issueJoinToken(this.ctx.config.liveKit, {
      roomName,
      identity: viewer.id,
      name: viewer.displayName,
      canPublish,
      ttlSeconds,
      metadata: canPublish ? HOST_METADATA : ATTENDEE_METADATA,
    });
    return { serverUrl: this.ctx.config.liveKit.url, token, roomName, canPublish, expiresAt };
  }
}
