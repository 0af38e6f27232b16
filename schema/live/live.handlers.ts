import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppDeps } from '../../server/context';
import { NotificationKind } from '../notification/notification-kind';
import { NotificationWriter } from '../notification/notification-writer';
import { VisitSource } from '../tracking/visit.entity';
import { RecordingService } from './sessions/recording.service';
import { attendanceSegment, registrantsToNotify } from './sessions/sessions.queries';

/** Notifies every active registrant of a session (batched by NotificationWriter). */
async function notifyRegistrants(deps: AppDeps, sessionId: string, kind: NotificationKind, actorId: string | null): Promise<void> {
  const em = deps.orm.em.fork() as EntityManager;
  const rows = await registrantsToNotify(em, sessionId, actorId);
  await new NotificationWriter(em, deps.pubSub, deps.clock).notify(
    rows.map((row) => ({ recipientId: row.member_id, kind, actorId, subjectId: sessionId, subjectTitle: row.title })),
  );
}

/**
 * Time in the room is activity: a connection that joined counts at once, and one that ended makes
 * (or extends) a visit covering the whole connection. The segment is read as it is now: a
 * participant_left that came after room_finished is the truth for its connection.
 */
async function recordAttendance(deps: AppDeps, sessionId: string, participantSid: string, ended: boolean): Promise<void> {
  const segment = await attendanceSegment(deps.orm.em.fork() as EntityManager, sessionId, participantSid);
  if (!segment?.joined_at) return;
  const joinedAt = new Date(segment.joined_at);
  if (!ended) return deps.visitTracker.recordActivity(segment.member_id, joinedAt, VisitSource.LIVE);
  if (segment.left_at) await deps.visitTracker.recordInterval(segment.member_id, joinedAt, new Date(segment.left_at), VisitSource.LIVE);
}

/** What follows a live session's committed changes: rosters and subscribers, registrants' notifications, recordings, visits. */
export function registerLiveHandlers(deps: AppDeps): void {
  // Before the change's request answers: the next join, on any instance, is decided on the new roster.
  deps.events.beforeAnswer('SESSION_CHANGED', ({ sessionId }) => {
    deps.rosters.changed(sessionId);
    deps.pubSub.publish('LIVE_SESSION_UPDATED', sessionId, { sessionId });
  });
  deps.events.beforeAnswer('SESSION_REGISTRATION_CHANGED', ({ sessionId }) => deps.rosters.changed(sessionId));

  deps.events.on('SESSION_CHAT_MESSAGE_SENT', async ({ messageId, sessionId }) => {
    deps.pubSub.publish('SESSION_CHAT_MESSAGE_ADDED', sessionId, { messageId });
  });
  deps.events.on('SESSION_LIVE', ({ sessionId }) => notifyRegistrants(deps, sessionId, NotificationKind.SESSION_LIVE, null));
  // Failures are logged by startAutomatic: an admin can still start the recording by hand.
  deps.events.on('SESSION_RECORDING_DUE', ({ sessionId }) => new RecordingService(deps).startAutomatic(sessionId));
  deps.events.on('SESSION_CANCELLED', ({ sessionId, actorId }) =>
    notifyRegistrants(deps, sessionId, NotificationKind.SESSION_CANCELLED, actorId),
  );
  deps.events.on('SESSION_ATTENDANCE_JOINED', ({ sessionId, participantSid }) => recordAttendance(deps, sessionId, participantSid, false));
  deps.events.on('SESSION_ATTENDANCE_LEFT', ({ sessionId, participantSid }) => recordAttendance(deps, sessionId, participantSid, true));
}
