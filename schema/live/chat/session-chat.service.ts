import { isUUID } from 'class-validator';
import type { Context } from '../../../server/context';
import {
  chronologicalKeyset,
  pageDirection,
  toChronologicalConnection,
  withTotalCount,
  type ConnectionShape,
} from '../../../server/pagination';
import { hosts, takesPart, type SessionStanding } from '../live-access';
import { ROOM_OPENS_BEFORE_MS } from '../sessions/live-join.service';
import { LiveSessionStatus } from '../sessions/live-session.entity';
import { LiveErrors } from '../live.errors';
import { chatPage, deliverableChatMessage } from './chat.queries';
import { SessionChatMessage } from './session-chat-message.entity';
import { CHAT_BODY_MAX_LENGTH, SessionChatErrors } from './session-chat.errors';
import type { SendSessionChatMessageArgs, SessionChatMessagesArgs } from './session-chat.inputs';
import type { MemberRow } from '../../identity/member.entity';
import { characterCount, hasVisibleText } from '../../../server/text';

const messageKey = (message: SessionChatMessage) => [message.createdAt.toISOString(), message.id];

function trimmedBody(raw: string): string {
  const body = raw.trim();
  if (!hasVisibleText(body)) throw SessionChatErrors.emptyBody();
  if (characterCount(body) > CHAT_BODY_MAX_LENGTH) throw SessionChatErrors.bodyTooLong();
  return body;
}

/**
 * Writing is for the live room, so it follows the room: attendees from its opening (15 minutes
 * before a SCHEDULED session starts), hosts earlier too; all through LIVE, however long it
 * overruns; never once ENDED or CANCELLED, nor once a SCHEDULED session's end passed without it starting. Reading is not limited in time: latecomers and the
 * replay page read the history.
 */
function assertChatOpen(viewer: MemberRow, standing: SessionStanding, now: Date): void {
  if (standing.status === LiveSessionStatus.ENDED || standing.status === LiveSessionStatus.CANCELLED) {
    throw SessionChatErrors.closed(standing.status);
  }
  // Its end passed without its room ever starting: over, as its room is (LiveJoinService).
  if (standing.status === LiveSessionStatus.SCHEDULED && now >= standing.endsAt) throw SessionChatErrors.endPassed();
  const opensAt = new Date(standing.startsAt.getTime() - ROOM_OPENS_BEFORE_MS);
  if (standing.status === LiveSessionStatus.SCHEDULED && now < opensAt && !hosts(viewer, standing))
    throw SessionChatErrors.notOpenYet(opensAt);
}

export type SessionChatServiceDeps = Pick<Context, 'clock' | 'em' | 'events' | 'rateLimits' | 'rosters'>;

/** A live session's chat: registrants (active registration), speakers and admins read and write it. */
export class SessionChatService {
  constructor(private readonly ctx: SessionChatServiceDeps) {}

  /** Validates, rate-limits, writes the message, then emits SESSION_CHAT_MESSAGE_SENT once committed (its handler publishes it). */
  async send(viewer: MemberRow, { sessionId, body: raw }: SendSessionChatMessageArgs): Promise<SessionChatMessage> {
    const body = trimmedBody(raw);
    const standing = await this.standingOfParticipant(viewer, sessionId);
    assertChatOpen(viewer, standing, this.ctx.clock.now());
    await this.ctx.rateLimits.consume('sessionChatPerMember', viewer.id);
    const message = this.ctx.em.create(SessionChatMessage, {
      sessionId: standing.sessionId,
      authorId: viewer.id,
      body,
      createdAt: this.ctx.clock.now(),
    });
    await this.ctx.em.flush(); // its own transaction: committed when this returns
    this.ctx.events.emit('SESSION_CHAT_MESSAGE_SENT', { messageId: message.id, sessionId: message.sessionId, authorId: viewer.id });
    return message;
  }

  /** Oldest first, read from the newest end (50 by default): `last`/`before` scrolls back, `first`/`after` catches up. */
  async history(viewer: MemberRow, { sessionId, ...args }: SessionChatMessagesArgs): Promise<ConnectionShape<SessionChatMessage>> {
    const page = pageDirection(args, 50);
    const keyset = chronologicalKeyset(page);
    await this.standingOfParticipant(viewer, sessionId);
    const { items, totalCount } = await chatPage(this.ctx.em, sessionId, keyset);
    return withTotalCount(toChronologicalConnection(items, page, messageKey), totalCount);
  }

  /** For subscribing: NOT_FOUND for an unknown session, FORBIDDEN unless the viewer takes part. Any status. */
  async assertMayFollow(viewer: MemberRow, sessionId: string): Promise<void> {
    await this.standingOfParticipant(viewer, sessionId);
  }

  /**
   * For subscribers, checked again for every event, in one statement: the message if it belongs to
   * `sessionId` and the viewer takes part now (as `takesPart`, read afresh: a registration
   * cancelled or an admin role lost since subscribing stops delivery).
   */
  async deliverable(viewer: MemberRow, messageId: string, sessionId: string): Promise<SessionChatMessage | null> {
    return deliverableChatMessage(this.ctx.em, viewer.id, messageId, sessionId);
  }

  private async standingOfParticipant(viewer: MemberRow, sessionId: string): Promise<SessionStanding> {
    const standing = isUUID(sessionId) ? await this.ctx.rosters.standing(viewer, sessionId) : null;
    if (!standing) throw LiveErrors.sessionNotFound();
    if (!takesPart(viewer, standing)) throw SessionChatErrors.notTakingPart();
    return standing;
  }
}
