import { isUUID } from 'class-validator';
import type { Context } from '../../../server/context';
import { readModel } from '../../../server/db/read-model';
import { toConnection, withTotalCount, type ConnectionShape } from '../../../server/pagination';
import type { MemberRow } from '../../identity/member.entity';
import { issueJoinToken, meetingRoomName } from '../../../integrations/livekit/join-token';
import { LiveErrors } from '../live.errors';
import type { LiveJoin } from '../live.types';
import { Meeting, MeetingRow, MeetingStatus } from './meeting.entity';
import { MeetingErrors } from './meeting.errors';
import { memberMeeting, meetingPage, pairState, sessionExists } from './networking.queries';
import { blockedBetween } from '../../conversation/conversation.queries';
import { MEETING_MAX_DAYS_AHEAD, MEETING_MESSAGE_MAX_LENGTH, type MyMeetingsArgs, type RequestMeetingInput } from './meeting.inputs';

const HOUR_MS = 60 * 60_000;

/** A join token admits until the proposed start plus this long (the meeting's expected span)... */
export const MEETING_ROOM_OPEN_AFTER_START_MS = 2 * HOUR_MS;
/** ...and at least this long from the moment it is issued, so a late join still gets a usable token. */
export const MEETING_TOKEN_MIN_TTL_MS = HOUR_MS;

const meetingKey = (meeting: Meeting) => [meeting.createdAt.toISOString(), meeting.id];

function trimmedMessage(raw: string | null | undefined): string | null {
  const message = raw?.trim() ?? '';
  if (message.length > MEETING_MESSAGE_MAX_LENGTH) throw MeetingErrors.messageTooLong();
  return message || null;
}

export type MeetingServiceDeps = Pick<Context, 'clock' | 'config' | 'em' | 'events' | 'loaders' | 'rateLimits'>;

/**
 * One-to-one meetings: request, answer, list, and join the private LiveKit room `meeting-<id>`.
 * An open request per direction is guarded by the partial unique index meeting_open_request_unique.
 */
export class MeetingService {
  constructor(private readonly ctx: MeetingServiceDeps) {}

  /**
   * Asks `memberId` for a meeting, then emits MEETING_REQUESTED. Asking again while a request
   * between the two is open (either way) is a CONFLICT naming that request's id, rather than
   * silently returning it: the client should show the open request, not claim a new one was sent.
   * Only a request the viewer can see counts: while the other member is suspended their request is
   * hidden (meetingVisibleTo), so naming it would leak it and leave nothing to answer; the viewer
   * asks them as they may still write to them. Once the suspension ends the pair has one open
   * request each way (the unique index is per direction): each recipient answers theirs.
   */
  async request(viewer: MemberRow, input: RequestMeetingInput): Promise<Meeting> {
    const message = trimmedMessage(input.message);
    const recipient = await this.otherMember(viewer, input.memberId);
    const now = this.ctx.clock.now();
    if (input.proposedStart.getTime() <= now.getTime()) throw MeetingErrors.startInPast();
    if (input.proposedStart.getTime() > now.getTime() + MEETING_MAX_DAYS_AHEAD * 86_400_000) throw MeetingErrors.startTooFar();
    if (input.sessionId) await this.assertSessionExists(input.sessionId);

    const state = await pairState(this.ctx.em, viewer.id, recipient.id, now);
    if (state.blocked) throw MeetingErrors.blocked();
    if (state.pending_id) throw MeetingErrors.alreadyPending(state.pending_id, state.pending_requester_id === viewer.id);
    await this.ctx.rateLimits.consume('meetingRequestsPerMember', viewer.id);

    // A concurrent identical request loses on the partial unique index and gets the same CONFLICT.
    const [row] = await this.ctx.em.execute<Record<string, unknown>[]>(
      `insert into meeting (id, requester_id, recipient_id, session_id, message, proposed_start, status, created_at)
       values (gen_random_uuid(), ?, ?, ?, ?, ?, 'REQUESTED', ?)
       on conflict (requester_id, recipient_id) where status = 'REQUESTED' do nothing
       returning *`,
      [viewer.id, recipient.id, input.sessionId ?? null, message, input.proposedStart, now],
    );
    if (!row) {
      const again = await pairState(this.ctx.em, viewer.id, recipient.id, now);
      throw MeetingErrors.alreadyPending(again.pending_id ?? '', true);
    }
    const meeting = readModel(this.ctx.em, MeetingRow)(row);
    this.ctx.events.emit('MEETING_REQUESTED', { meetingId: meeting.id, requesterId: viewer.id, recipientId: recipient.id });
    return meeting;
  }

  /**
   * The recipient accepts or declines an open request; accepting emits MEETING_ACCEPTED. Accepting
   * is refused while either member blocks the other; declining never is.
   */
  async respond(viewer: MemberRow, id: string, accept: boolean): Promise<Meeting> {
    const meeting = await this.get(viewer, id);
    if (meeting.recipientId !== viewer.id) throw MeetingErrors.notTheRecipient();
    if (meeting.status !== MeetingStatus.REQUESTED) throw MeetingErrors.alreadyAnswered(meeting.status);
    if (accept && (await blockedBetween(this.ctx.em, meeting.requesterId, meeting.recipientId))) throw MeetingErrors.blocked();

    const status = accept ? MeetingStatus.ACCEPTED : MeetingStatus.DECLINED;
    // Conditional on still being REQUESTED: of two concurrent answers, the second gets CONFLICT.
    const [row] = await this.ctx.em.execute<Record<string, unknown>[]>(
      `update meeting set status = ?, responded_at = ? where id = ? and recipient_id = ? and status = 'REQUESTED' returning *`,
      [status, this.ctx.clock.now(), meeting.id, viewer.id],
    );
    if (!row) throw MeetingErrors.alreadyAnswered((await this.get(viewer, id)).status);
    const answered = readModel(this.ctx.em, MeetingRow)(row);
    if (accept) {
      this.ctx.events.emit('MEETING_ACCEPTED', {
        meetingId: answered.id,
        requesterId: answered.requesterId,
        recipientId: answered.recipientId,
      });
    }
    return answered;
  }

  /**
   * A meeting the viewer is one of the two members of; NOT_FOUND otherwise, and while moderation
   * hides it from them (its requester suspended: moderation/visibility). Answering and joining read
   * it here, so they are refused the same way.
   */
  async get(viewer: MemberRow, id: string): Promise<Meeting> {
    const meeting = isUUID(id) ? await memberMeeting(this.ctx.em, viewer.id, id, this.ctx.clock.now()) : null;
    if (!meeting) throw MeetingErrors.meetingNotFound();
    return meeting;
  }

  /** Meetings the viewer asked for or was asked to, as `get` shows them, newest request first; keyset on (createdAt, id). */
  async list(viewer: MemberRow, { first, after, status }: MyMeetingsArgs): Promise<ConnectionShape<Meeting>> {
    const page = await meetingPage(this.ctx.em, viewer.id, first, after, status, this.ctx.clock.now());
    return withTotalCount(toConnection(page.items, first, meetingKey, after), page.totalCount);
  }

  /**
   * A token for the private room `meeting-<id>`: its two members only (others: NOT_FOUND), once
   * accepted (CONFLICT before), never while one blocks the other. Both members publish. The token
   * admits until proposedStart + 2 hours, and at least 1 hour from now (joining late or early).
   */
  async join(viewer: MemberRow, id: string): Promise<LiveJoin> {
    const meeting = await this.get(viewer, id);
    if (meeting.status !== MeetingStatus.ACCEPTED) throw MeetingErrors.notAccepted(meeting.status);
    if (await blockedBetween(this.ctx.em, meeting.requesterId, meeting.recipientId)) throw MeetingErrors.blocked();

    const now = this.ctx.clock.now().getTime();
    const until = Math.max(meeting.proposedStart.getTime() + MEETING_ROOM_OPEN_AFTER_START_MS, now + MEETING_TOKEN_MIN_TTL_MS);
    const roomName = meetingRoomName(meeting.id);
    const { token, expiresAt } = issueJoinToken(this.ctx.config.liveKit, {
      roomName,
      identity: viewer.id,
      name: viewer.displayName,
      canPublish: true,
      ttlSeconds: Math.ceil((until - now) / 1000),
    });
    return { serverUrl: this.ctx.config.liveKit.url, token, roomName, canPublish: true, expiresAt };
  }

  /** An existing member other than the viewer. */
  private async otherMember(viewer: MemberRow, memberId: string): Promise<MemberRow> {
    if (memberId === viewer.id) throw MeetingErrors.withYourself();
    const member = isUUID(memberId) ? await this.ctx.loaders.memberById.load(memberId) : null;
    if (!member) throw MeetingErrors.memberNotFound();
    return member;
  }

  private async assertSessionExists(sessionId: string): Promise<void> {
    if (!isUUID(sessionId) || !(await sessionExists(this.ctx.em, sessionId))) throw LiveErrors.sessionNotFound();
  }
}
