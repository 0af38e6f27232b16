import { isUUID } from 'class-validator';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../../server/context';
import type { AppError } from '../../../server/errors';
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
   * LIVE; a full session is a CONFLICT (a member already registered keeps their seat). Once it is
   * ENDED or CANCELLED, a registrant may still withdraw their consent, and do nothing else.
   */
  async register(viewer: MemberRow, sessionId: string, shareContactWithPartner: boolean): Promise<SessionRegistration> {
    if (!isUUID(sessionId)) throw LiveErrors.sessionNotFound();
    const row = await this.ctx.em.transactional(async (em) => {
      const session = await lockSeats(em as EntityManager, sessionId);
      if (!session) throw LiveErrors.sessionNotFound();
      const closed = closure(session, this.ctx.clock.now());
      if (closed) return withdrawConsent(em as EntityManager, closed, viewer.id, sessionId, shareContactWithPartner);
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
      await openSeats(em as EntityManager, sessionId, this.ctx.clock.now());
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

/**
 * Why a session takes no more registrations, or null while it does: LIVE, or SCHEDULED with its
 * end still ahead. A SCHEDULED session whose end passed without its room ever starting is over
 * too (its room refuses joins: LiveJoinService).
 */
function closure(session: SeatRules, now: Date): AppError | null {
  if (session.status === LiveSessionStatus.LIVE) return null;
  if (session.status === LiveSessionStatus.SCHEDULED) return now < new Date(session.ends_at) ? null : LiveErrors.endPassed();
  return LiveErrors.closed(session.status);
}

/** The seat rules of a session open to registrations, under the session-row lock (lockSeats). */
async function openSeats(em: EntityManager, sessionId: string, now: Date): Promise<SeatRules> {
  const session = await lockSeats(em, sessionId);
  if (!session) throw LiveErrors.sessionNotFound();
  const closed = closure(session, now);
  if (closed) throw closed;
  return session;
}

/**
 * On a closed session the seat is fixed (its figures are counted on it), but consent must stay
 * revocable: a registrant may withdraw it. Giving it, or anything from a non-registrant, is the
 * closed session's CONFLICT.
 */
async function withdrawConsent(
  em: EntityManager,
  closed: AppError,
  memberId: string,
  sessionId: string,
  shareContactWithPartner: boolean,
): Promise<Record<string, unknown>> {
  if (shareContactWithPartner) throw closed;
  const [registration] = await em.execute<Record<string, unknown>[]>(
    `update session_registration set share_contact_with_partner = false
      where session_id = ? and member_id = ? and cancelled_at is null returning *`,
    [sessionId, memberId],
  );
  if (!registration) throw closed;
  return registration;
}
