import { isUUID } from 'class-validator';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../../server/context';
import { decodeKeyset, toConnection, withTotalCount, type ConnectionShape } from '../../../server/pagination';
import { ThemeService, type ThemeServiceDeps } from '../../content/theme.service';
import { rejectNulls } from '../../../server/validation';
import { Member, MemberRow, Role } from '../../identity/member.entity';
import { LiveErrors } from '../live.errors';
import { RecordingService, type RecordingServiceDeps } from './recording.service';
import { existingMemberIds, lockSeats, registrantCounts, sessionPage } from './sessions.queries';
import { LiveSession, LiveSessionRow, LiveSessionStatus } from './live-session.entity';
import { SessionRegistration } from './registration.entity';
import {
  SESSION_MAX_DAYS_AHEAD,
  SESSION_MAX_HOURS,
  type LiveSessionsArgs,
  type ScheduleLiveSessionInput,
  type UpdateLiveSessionInput,
} from './live-session.inputs';

const sessionKey = (session: LiveSessionRow) => [session.startsAt.toISOString(), session.id];
const CLOSED = new Set([LiveSessionStatus.ENDED, LiveSessionStatus.CANCELLED]);

export type LiveSessionServiceDeps = Pick<Context, 'clock' | 'em' | 'events' | 'loaders'> & RecordingServiceDeps & ThemeServiceDeps;

/** Scheduling, changing and listing live sessions (registration: RegistrationService). */
export class LiveSessionService {
  constructor(private readonly ctx: LiveSessionServiceDeps) {}

  /** Any member may see any session: they are the community's public agenda. */
  async get(id: string): Promise<LiveSessionRow> {
    const session = isUUID(id) ? await this.ctx.loaders.liveSessionById.load(id) : null;
    if (!session) throw LiveErrors.sessionNotFound();
    return session;
  }

  /** Soonest first; keyset on (startsAt, id). */
  async list({ first, after, status, from }: LiveSessionsArgs): Promise<ConnectionShape<LiveSessionRow>> {
    const cursor = decodeKeyset(after);
    const { items, totalCount } = await sessionPage(this.ctx.em, { status: status ?? null, from: from ?? null }, cursor, first + 1);
    return withTotalCount(toConnection(items, first, sessionKey, after), totalCount);
  }

  async schedule(admin: MemberRow, input: ScheduleLiveSessionInput): Promise<LiveSession> {
    checkTimes(input.startsAt, input.endsAt, this.ctx.clock.now());
    const themes = await new ThemeService(this.ctx).bySlugs(input.themeSlugs, 'themeSlugs');
    await this.checkSpeakers(input.speakerIds);
    if (typeof input.partnerId === 'string') await this.checkPartner(input.partnerId);
    const now = this.ctx.clock.now();
    const session = this.ctx.em.create(LiveSession, {
      title: input.title.trim(),
      description: input.description,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      capacity: input.capacity ?? null,
      partnerId: input.partnerId ?? null,
      autoRecord: input.autoRecord,
      createdById: admin.id,
      createdAt: now,
      updatedAt: now,
    });
    session.themes.set(themes);
    this.setSpeakers(session, input.speakerIds);
    await this.ctx.em.flush();
    return session;
  }

  /** Moving a session moves its reminders too: they are keyed on the start time they announce. */
  async update(input: UpdateLiveSessionInput): Promise<LiveSession> {
    rejectNulls(input, ['title', 'startsAt', 'endsAt', 'autoRecord']);
    const session = await this.ctx.em.transactional((em) => new LiveSessionService({ ...this.ctx, em: em as EntityManager }).change(input));
    this.ctx.events.emit('SESSION_CHANGED', { sessionId: session.id });
    return session;
  }

  /**
   * update's changes, in its transaction and under the session-row lock registrations take
   * (lockSeats): the registrants a new capacity is checked against are still all there is at the commit.
   */
  private async change(input: UpdateLiveSessionInput): Promise<LiveSession> {
    const session = await this.editable(input.id, { locked: true });
    const startsAt = input.startsAt ?? session.startsAt;
    const endsAt = input.endsAt ?? session.endsAt;
    if (input.startsAt || input.endsAt) checkTimes(startsAt, endsAt, this.ctx.clock.now());
    if (input.themeSlugs !== undefined) session.themes.set(await new ThemeService(this.ctx).bySlugs(input.themeSlugs ?? [], 'themeSlugs'));
    if (input.speakerIds !== undefined) {
      await this.checkSpeakers(input.speakerIds ?? []);
      this.setSpeakers(session, input.speakerIds ?? []);
    }
    if (typeof input.partnerId === 'string') await this.checkPartner(input.partnerId);
    if (input.capacity) await this.checkCapacity(session.id, input.capacity);
    if (input.partnerId !== undefined && (input.partnerId ?? null) !== session.partnerId) await this.resetConsents(session.id);
    Object.assign(session, {
      startsAt,
      endsAt,
      ...(input.title ? { title: input.title.trim() } : {}),
      ...(input.description !== undefined ? { description: input.description ?? '' } : {}),
      ...(input.capacity !== undefined ? { capacity: input.capacity } : {}),
      ...(input.partnerId !== undefined ? { partnerId: input.partnerId } : {}),
      ...(input.autoRecord != null ? { autoRecord: input.autoRecord } : {}),
      updatedAt: this.ctx.clock.now(),
    });
    await this.ctx.em.flush();
    return session;
  }

  /** Registrants are notified (SESSION_CANCELLED) after the commit; reminders stop because only SCHEDULED sessions get them. */
  async cancel(admin: MemberRow, id: string): Promise<LiveSession> {
    const session = await this.editable(id);
    const now = this.ctx.clock.now();
    Object.assign(session, { status: LiveSessionStatus.CANCELLED, cancelledAt: now, updatedAt: now });
    await this.ctx.em.flush();
    this.ctx.events.emit('SESSION_CHANGED', { sessionId: session.id });
    this.ctx.events.emit('SESSION_CANCELLED', { sessionId: session.id, actorId: admin.id });
    return session;
  }

  /** Starts (or finds) the room's recording and returns the session; see RecordingService. */
  async startRecording(id: string): Promise<LiveSessionRow> {
    await new RecordingService(this.ctx).start(id);
    return this.get(id);
  }

  /** A managed session that may still change: not ENDED or CANCELLED. `locked` (in a transaction): under lockSeats' lock. */
  private async editable(id: string, { locked = false } = {}): Promise<LiveSession> {
    if (locked && isUUID(id)) await lockSeats(this.ctx.em, id);
    const session = isUUID(id) ? await this.ctx.em.findOne(LiveSession, { id }, { populate: ['themes', 'speakers'] }) : null;
    if (!session) throw LiveErrors.sessionNotFound();
    if (CLOSED.has(session.status)) throw LiveErrors.closed(session.status);
    return session;
  }

  private async checkSpeakers(ids: string[]): Promise<void> {
    const unique = [...new Set(ids)];
    const invalid = unique.filter((id) => !isUUID(id));
    const found = await existingMemberIds(
      this.ctx.em,
      unique.filter((id) => isUUID(id)),
    );
    const missing = [...invalid, ...unique.filter((id) => isUUID(id) && !found.includes(id))];
    if (missing.length) throw LiveErrors.unknownMembers('speakerIds', missing);
  }

  private setSpeakers(session: LiveSession, ids: string[]): void {
    session.speakers.set([...new Set(ids)].map((id) => this.ctx.em.getReference(Member, id)));
  }

  private async checkPartner(partnerId: string): Promise<void> {
    const partner = isUUID(partnerId) ? await this.ctx.loaders.memberById.load(partnerId) : null;
    if (!partner) throw LiveErrors.unknownMembers('partnerId', [partnerId]);
    if (partner.role !== Role.PARTNER) throw LiveErrors.notAPartner();
  }

  /**
   * A member consents to the partner the session has when they register: consent given to one
   * partner is not given to the next, so it is reset when the partner changes, and members consent
   * again by registering again. (A registration committed just after the change, under lockSeats'
   * lock, consents to the new partner: registerForSession does not say which partner was shown.)
   */
  private async resetConsents(sessionId: string): Promise<void> {
    await this.ctx.em.nativeUpdate(SessionRegistration, { sessionId, shareContactWithPartner: true }, { shareContactWithPartner: false });
  }

  /** Under lockSeats' lock (update): a registration cannot slip in between this count and the commit. */
  private async checkCapacity(sessionId: string, capacity: number): Promise<void> {
    const count = (await registrantCounts(this.ctx.em, [sessionId])).get(sessionId) ?? 0;
    if (count > capacity) throw LiveErrors.capacityBelowRegistrants(count);
  }
}

/**
 * A session may start before now (one opened while under way), but not be over already: a wrong
 * year typed would make a SCHEDULED session that never starts.
 */
function checkTimes(startsAt: Date, endsAt: Date, now: Date): void {
  if (endsAt.getTime() <= startsAt.getTime()) throw LiveErrors.endsBeforeStart();
  if (endsAt.getTime() <= now.getTime()) throw LiveErrors.endsInPast();
  if (endsAt.getTime() - startsAt.getTime() > SESSION_MAX_HOURS * 3_600_000) throw LiveErrors.tooLong(SESSION_MAX_HOURS);
  if (startsAt.getTime() > now.getTime() + SESSION_MAX_DAYS_AHEAD * 86_400_000) throw LiveErrors.tooFarAhead(SESSION_MAX_DAYS_AHEAD);
}
