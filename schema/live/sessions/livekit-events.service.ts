import { randomUUID } from 'node:crypto';
import { isUUID } from 'class-validator';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppDeps } from '../../../server/context';
import type { PendingEvents } from '../../../server/events';
import { WebhookPayloadError, type LiveKitEvent } from '../../../integrations/livekit/webhooks';
import { publishReplay } from '../../content/content.service';
import { isMediaUrl } from '../../content/media-url';
import { excerpt } from '../../notification/notification-writer';
import { releaseFailedRecording } from './recording.service';

export type WebhookOutcome = 'handled' | 'duplicate' | 'ignored';

/** Hearth names a session's room `session-<uuid>` (integrations/livekit/join-token.ts); other rooms are not its to handle. */
const SESSION_ROOM = /^session-(.*)$/s;

/** The session a room belongs to; a room named like a session's but holding no id is no event LiveKit sends for Hearth. */
function sessionOfRoom(event: LiveKitEvent): string | null {
  const claimed = SESSION_ROOM.exec(event.roomName ?? '')?.[1];
  if (claimed === undefined) return null;
  if (!isUUID(claimed)) throw new WebhookPayloadError('LiveKit webhook names a session room without a session id.', { eventId: event.id });
  return claimed.toLowerCase();
}

export type LiveKitEventHandlerDeps = Pick<AppDeps, 'clock' | 'events' | 'logger' | 'orm'>;

/**
 * Applies LiveKit's webhook events. Each event id is recorded in the same transaction as its
 * effect, so a retried delivery changes nothing. Every effect tolerates any arrival order: status
 * only moves forward, and an attendance segment is filled in by its joined and left events
 * whichever comes first. What follows (notifications, pub/sub, rosters, recordings, visits) hangs
 * off the domain events it emits once the transaction committed (live.handlers.ts).
 */
export class LiveKitEventHandler {
  constructor(private readonly deps: LiveKitEventHandlerDeps) {}

  async handle(event: LiveKitEvent): Promise<WebhookOutcome> {
    const sessionId = sessionOfRoom(event);
    const pending = this.deps.events.pending();
    let outcome: WebhookOutcome | void = undefined;
    const fresh = await this.deps.orm.em.fork().transactional(async (txn) => {
      const em = txn as EntityManager;
      const inserted = await em.execute(
        `insert into livekit_event (id, event, room_name, created_at, received_at) values (?, ?, ?, ?, ?)
         on conflict (id) do nothing returning id`,
        [event.id, event.event, event.roomName, event.createdAt, this.deps.clock.now()],
      );
      if (!inserted.length) return false;
      if (sessionId) outcome = await this.apply(em, sessionId, event, pending);
      return true;
    });
    if (!fresh) return 'duplicate';
    pending.emit();
    return sessionId ? (outcome ?? 'handled') : 'ignored';
  }

  /** Applies the event to its session; 'ignored' when it was refused on purpose (it is still recorded: a redelivery changes nothing). */
  private async apply(em: EntityManager, sessionId: string, event: LiveKitEvent, pending: PendingEvents): Promise<WebhookOutcome | void> {
    switch (event.event) {
      case 'room_started':
        return this.roomStarted(em, sessionId, event, pending);
      case 'room_finished':
        return this.roomFinished(em, sessionId, event, pending);
      case 'participant_joined':
        return this.participantJoined(em, sessionId, event, pending);
      case 'participant_left':
        return this.participantLeft(em, sessionId, event, pending);
      case 'egress_ended':
        return this.egressEnded(em, sessionId, event, pending);
    }
  }

  /** SCHEDULED → LIVE only: a late room_started after room_finished changes nothing. */
  private async roomStarted(em: EntityManager, sessionId: string, event: LiveKitEvent, pending: PendingEvents): Promise<void> {
    const [started] = await em.execute<{ auto_record: boolean }[]>(
      `update live_session set status = 'LIVE', started_at = ?, updated_at = ? where id = ? and status = 'SCHEDULED' returning auto_record`,
      [event.createdAt, this.deps.clock.now(), sessionId],
    );
    if (!started) return;
    pending.add('SESSION_LIVE', { sessionId });
    pending.add('SESSION_CHANGED', { sessionId });
    if (started.auto_record) pending.add('SESSION_RECORDING_DUE', { sessionId });
  }

  /** Ends the session and closes the segments still open at that time (their participant_left may never come). */
  private async roomFinished(em: EntityManager, sessionId: string, event: LiveKitEvent, pending: PendingEvents): Promise<void> {
    const [ended] = await em.execute(
      `update live_session set status = 'ENDED', ended_at = ?, updated_at = ? where id = ? and status in ('SCHEDULED', 'LIVE') returning id`,
      [event.createdAt, this.deps.clock.now(), sessionId],
    );
    if (!ended) return;
    const closed = await em.execute<{ participant_sid: string }[]>(
      `update attendance_segment set left_at = greatest(joined_at, ?::timestamptz)
        where session_id = ? and left_at is null and joined_at is not null returning participant_sid`,
      [event.createdAt, sessionId],
    );
    for (const { participant_sid } of closed) pending.add('SESSION_ATTENDANCE_LEFT', { sessionId, participantSid: participant_sid });
    pending.add('SESSION_CHANGED', { sessionId });
  }

  private async participantJoined(em: EntityManager, sessionId: string, event: LiveKitEvent, pending: PendingEvents): Promise<void> {
    const participant = this.participant(event);
    if (!participant) return;
    const joinedAt = event.participantJoinedAt ?? event.createdAt;
    const rows = await em.execute<{ member_id: string }[]>(
      `insert into attendance_segment (id, session_id, member_id, participant_sid, joined_at)
       select ?, s.id, m.id, ?, ? from live_session s, member m where s.id = ? and m.id = ?
       on conflict (session_id, participant_sid) do update set joined_at = coalesce(attendance_segment.joined_at, excluded.joined_at)
       returning member_id`,
      [randomUUID(), participant.sid, joinedAt, sessionId, participant.memberId],
    );
    if (rows.length) pending.add('SESSION_ATTENDANCE_JOINED', { sessionId, participantSid: participant.sid });
  }

  /** The left event is authoritative for its connection, even when room_finished closed it first. */
  private async participantLeft(em: EntityManager, sessionId: string, event: LiveKitEvent, pending: PendingEvents): Promise<void> {
    const participant = this.participant(event);
    if (!participant) return;
    const [segment] = await em.execute<{ joined_at: Date | null }[]>(
      `insert into attendance_segment (id, session_id, member_id, participant_sid, joined_at, left_at)
       select ?, s.id, m.id, ?, ?, ? from live_session s, member m where s.id = ? and m.id = ?
       on conflict (session_id, participant_sid) do update set
         joined_at = coalesce(attendance_segment.joined_at, excluded.joined_at), left_at = excluded.left_at
       returning joined_at`,
      [randomUUID(), participant.sid, event.participantJoinedAt, event.createdAt, sessionId, participant.memberId],
    );
    if (segment?.joined_at) pending.add('SESSION_ATTENDANCE_LEFT', { sessionId, participantSid: participant.sid });
  }

  /** A finished recording becomes the session's published REPLAY, once; a failed one lets the session be recorded again. */
  private async egressEnded(
    em: EntityManager,
    sessionId: string,
    event: LiveKitEvent,
    pending: PendingEvents,
  ): Promise<WebhookOutcome | void> {
    const file = event.egress?.files[0];
    if (event.egress?.status !== 'EGRESS_COMPLETE' || !file) {
      this.deps.logger.warn({ sessionId, egress: event.egress }, 'recording ended without a file: no replay');
      if (event.egress) await releaseFailedRecording(em, sessionId, event.egress.egressId, this.deps.clock.now());
      return;
    }
    // Members open a replay's mediaUrl: it is checked as createContent checks one (http or https only).
    const mediaUrl = file.location || file.filename;
    if (!isMediaUrl(mediaUrl)) {
      this.deps.logger.warn(
        { sessionId, eventId: event.id, location: mediaUrl.slice(0, 200) },
        'recording file is not at an http(s) URL: no replay (check the egress storage settings)',
      );
      return 'ignored';
    }
    const [session] = await em.execute<{ title: string; description: string; author_id: string; theme_ids: string[] }[]>(
      `select s.title, s.description,
              coalesce((select sp.member_id from live_session_speaker sp join member m on m.id = sp.member_id
                         where sp.session_id = s.id order by m.display_name, m.id limit 1), s.created_by_id) as author_id,
              array(select st.theme_id from live_session_theme st where st.session_id = s.id) as theme_ids
         from live_session s where s.id = ? and s.replay_id is null for update`,
      [sessionId],
    );
    if (!session) return;
    const now = this.deps.clock.now();
    // The content domain writes the item; this transaction records the event and links the session.
    const replay = await publishReplay(
      em,
      pending,
      {
        title: `Replay: ${session.title}`,
        summary: excerpt(session.description) || null,
        mediaUrl,
        authorId: session.author_id,
        themeIds: session.theme_ids,
      },
      now,
    );
    await em.execute('update live_session set replay_id = ?, updated_at = ? where id = ?', [replay.content.id, now, sessionId]);
    pending.add('SESSION_CHANGED', { sessionId });
  }

  /** Participants are members (identity = member id); the recorder and other services are not. */
  private participant(event: LiveKitEvent): { memberId: string; sid: string } | null {
    const memberId = event.participantIdentity;
    if (!memberId || !isUUID(memberId) || !event.participantSid) return null;
    return { memberId, sid: event.participantSid };
  }
}
