import { isUUID } from 'class-validator';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppDeps } from '../../../server/context';
import { isUnavailableError } from '../../../server/unavailable';
import { sessionRoomName } from '../../../integrations/livekit/join-token';
import { LiveErrors } from '../live.errors';
import { LiveSessionStatus } from './live-session.entity';
import { lockRecording, recordingState } from './sessions.queries';

/** Where LiveKit's egress writes the file (its storage settings decide the bucket or folder); `{time}` is LiveKit's template. */
export const recordingFilepath = (sessionId: string) => `hearth/session-${sessionId}-{time}.mp4`;

export type RecordingServiceDeps = Pick<AppDeps, 'clock' | 'liveRooms' | 'logger' | 'orm'>;

/**
 * Starts the room-composite recording of a live session through LiveKit's Egress API. One
 * recording per session: starting again returns the one already running, and admins pressing at
 * once (or with room_started's autoRecord) start one egress, under the session's recording lock.
 * When it ends, LiveKit's egress_ended webhook turns the file into the REPLAY, or, when it failed,
 * frees the session for a new recording (LiveKitEventHandler).
 */
export class RecordingService {
  constructor(private readonly deps: RecordingServiceDeps) {}

  /**
   * For admins: the session must be LIVE (LiveKit records rooms that exist). Returns the egress id.
   * The lock is held while LiveKit answers (at most its request timeout): the others then find the
   * egress stored, or, when LiveKit failed, nothing stored and ask it themselves.
   */
  async start(sessionId: string): Promise<string> {
    if (!isUUID(sessionId)) throw LiveErrors.sessionNotFound();
    return this.deps.orm.em.fork().transactional(async (txn) => {
      const em = txn as EntityManager;
      await lockRecording(em, sessionId);
      const session = await recordingState(em, sessionId);
      if (!session) throw LiveErrors.sessionNotFound();
      if (session.recording_egress_id) return session.recording_egress_id;
      if (session.status !== LiveSessionStatus.LIVE) throw LiveErrors.notLive(session.status);
      const egressId = await this.startEgress(sessionId);
      await em.execute('update live_session set recording_egress_id = ?, updated_at = ? where id = ?', [
        egressId,
        this.deps.clock.now(),
        sessionId,
      ]);
      return egressId;
    });
  }

  /** On room_started for autoRecord sessions; failures are logged (an admin can still start it by hand). */
  async startAutomatic(sessionId: string): Promise<void> {
    try {
      await this.start(sessionId);
    } catch (err) {
      this.deps.logger.error({ err, sessionId }, 'automatic recording did not start');
    }
  }

  private async startEgress(sessionId: string): Promise<string> {
    try {
      return (await this.deps.liveRooms.startRoomRecording(sessionRoomName(sessionId), recordingFilepath(sessionId))).egressId;
    } catch (err) {
      if (isUnavailableError(err) || (err as { status?: number }).status! >= 500) {
        this.deps.logger.warn({ err, sessionId }, 'LiveKit is unreachable: the recording did not start');
        throw LiveErrors.liveKitUnavailable();
      }
      this.deps.logger.warn({ err, sessionId }, 'LiveKit refused to start a recording');
      throw LiveErrors.recordingFailed(err instanceof Error ? err.message : String(err));
    }
  }
}

/**
 * An egress of the session ended without a file (failed, aborted): if it is the one the session
 * records with, the session may be recorded again. Under the recording lock, so an egress that
 * fails while its start is still being stored is found stored.
 */
export async function releaseFailedRecording(em: EntityManager, sessionId: string, egressId: string, now: Date): Promise<void> {
  await lockRecording(em, sessionId);
  await em.execute('update live_session set recording_egress_id = null, updated_at = ? where id = ? and recording_egress_id = ?', [
    now,
    sessionId,
    egressId,
  ]);
}
