import { isUUID } from 'class-validator';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../../server/context';
import { LiveErrors } from '../live.errors';
import { LiveSessionStatus, LiveSessionRow } from './live-session.entity';
import { LiveSessionService, type LiveSessionServiceDeps } from './live-session.service';
import { readModel } from '../../../server/db/read-model';
import { SessionRegistration, SessionRegistrationRow } from './registration.entity';
import { lockSeats, seatsTaken, type SeatRules } from './sessions.queries';
import type { MemberRow } from '../../identity/member.entity';

export type RegistrationServiceDeps = Pick<Context, 'clock' | 'em' | 'events' | 'loaders'> & LiveSessionServiceDeps;

/** Seats in sessions. Capacity is enforced under a lock on the session row, so the last seat goes once. */
export class RegistrationService {
  constructor(private readonly ctx: RegistrationServiceDeps) {}

  /**
   * Idempotent: registering again updates the consent. Open while the session is SCHEDULED or
   * LIVE; a full session is a CONFLICT (a member already registered keeps their seat).
   */
  async register(viewer: MemberRow, sessionId: string, shareContactWithPartner: boolean): Promise<SessionRegistration> {
    if (!isUUID(sessionId)) throw LiveErrors.sessionNotFound();
    const row = await this.ctx.em.transactional(async (em) => {
      const session = await openSeats(em as EntityManager, sessionId);
      const { taken, mine } = await seatsTaken(em as EntityManager, sessionId, viewer.id);
      if (!mine && session.capacity !== null && taken >= session.capacity) throw LiveErrors.capacityFull(session.capacity);
      const [registration] = await em.execute<Record<string, unknown>[]>(
        `insert into session_registration (id, session_id, member_id, share_contact_with_partner, registered_at)
         values (gen_random_uuid(), ?, ?, ?, ?)
         on conflict (session_id, member_id) do update set share_contact_with_partner = excluded.share_contact_with_partner,
           registered_at = case when session_registration.cancelled_at is null then session_registration.registered_at else excluded.registered_at end,
           cancelled_at = null
         returning *`,
        [sessionId, viewer.id, shareContactWithPartner, this.ctx.clock.now()],
      );
      return registration;
    });
    this.ctx.events.emit('SESSION_REGISTRATION_CHANGED', { sessionId, memberId: viewer.id });
    this.ctx.loaders.viewerRegistrationBySessionId.clear(sessionId);
    this.ctx.loaders.registrantCountBySessionId.clear(sessionId);
    // The confirmation email goes with the reminders (send-session-reminders), under their once-only guard.
    return readModel(this.ctx.em, SessionRegistrationRow)(row);
  }

  /**
   * Idempotent; frees the seat. The consent goes with it: lead refreshes drop leads it alone
   * supported (lead.service). Refused, as registering is, once the session is ENDED or CANCELLED:
   * its registrants are then the audience its figures and leads are counted on.
   */
  async cancel(viewer: MemberRow, sessionId: string): Promise<LiveSessionRow> {
    if (!isUUID(sessionId)) throw LiveErrors.sessionNotFound();
    await this.ctx.em.transactional(async (em) => {
      await openSeats(em as EntityManager, sessionId);
      await em.execute('update session_registration set cancelled_at = ? where session_id = ? and member_id = ? and cancelled_at is null', [
        this.ctx.clock.now(),
        sessionId,
        viewer.id,
      ]);
    });
    this.ctx.events.emit('SESSION_REGISTRATION_CHANGED', { sessionId, memberId: viewer.id });
    return new LiveSessionService(this.ctx).get(sessionId);
  }
}

/** The seat rules of a session open to registrations (SCHEDULED or LIVE), under the session-row lock (lockSeats). */
async function openSeats(em: EntityManager, sessionId: string): Promise<SeatRules> {
  const session = await lockSeats(em, sessionId);
  if (!session) throw LiveErrors.sessionNotFound();
  if (session.status !== LiveSessionStatus.SCHEDULED && session.status !== LiveSessionStatus.LIVE) throw LiveErrors.closed(session.status);
  return session;
}
