import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../server/context';
import { Member, MemberRow, Role } from '../identity/member.entity';
import { IdentityErrors } from '../identity/identity.errors';
import { ModerationErrors } from './moderation.errors';
import { ModerationLogAction, ReportKind } from './moderation.enums';
import { logDecision } from './moderation-log';
import { isSuspended } from './visibility';

export type SuspensionServiceDeps = Pick<Context, 'clock' | 'em' | 'events'>;

/**
 * Suspending a member: no log-in or refresh, access tokens refused on every instance at once (the
 * viewer cache is forgotten through MEMBER_CHANGED's handler), open sockets closed with
 * WS_MEMBER_SUSPENDED (MEMBER_SUSPENDED's handler), and their content hidden while it lasts.
 */
export class SuspensionService {
  constructor(private readonly ctx: SuspensionServiceDeps) {}

  async suspend(moderator: MemberRow, args: { memberId: string; until: Date; reason: string }): Promise<Member> {
    const member = await this.ctx.em.transactional((em) => this.suspendIn(em as EntityManager, moderator, args, null));
    this.announce(member.id);
    return member;
  }

  /** Inside the caller's transaction (resolveReport's SUSPEND_AUTHOR); call `announce` after the commit. */
  async suspendIn(
    em: EntityManager,
    moderator: MemberRow,
    { memberId, until, reason }: { memberId: string; until: Date; reason: string },
    caseId: string | null,
  ): Promise<Member> {
    const now = this.ctx.clock.now();
    if (until.getTime() <= now.getTime()) throw ModerationErrors.untilInPast();
    const member = await em.findOne(Member, { id: memberId });
    if (!member) throw IdentityErrors.memberNotFound();
    if (member.role === Role.ADMIN || member.role === Role.MODERATOR) throw ModerationErrors.cannotSuspend();
    member.suspendedUntil = until;
    member.suspensionReason = reason.trim();
    await em.flush();
    await logDecision(em, {
      actorId: moderator.id,
      action: ModerationLogAction.SUSPEND,
      subjectKind: ReportKind.MEMBER,
      subjectId: member.id,
      caseId,
      note: member.suspensionReason,
      at: now,
    });
    return member;
  }

  async unsuspend(moderator: MemberRow, { memberId, note }: { memberId: string; note?: string | null }): Promise<Member> {
    const now = this.ctx.clock.now();
    const member = await this.ctx.em.transactional(async (em) => {
      const found = await em.findOne(Member, { id: memberId });
      if (!found) throw IdentityErrors.memberNotFound();
      if (!isSuspended(found, now)) throw ModerationErrors.notSuspended();
      found.suspendedUntil = null;
      found.suspensionReason = null;
      await em.flush();
      await logDecision(em as EntityManager, {
        actorId: moderator.id,
        action: ModerationLogAction.UNSUSPEND,
        subjectKind: ReportKind.MEMBER,
        subjectId: found.id,
        note: note?.trim() || null,
        at: now,
      });
      return found;
    });
    this.ctx.events.emit('MEMBER_CHANGED', { memberId: member.id });
    this.ctx.events.emit('MODERATION_VISIBILITY_CHANGED', { kind: ReportKind.MEMBER, subjectId: member.id, authorId: member.id });
    return member;
  }

  /**
   * After a suspension committed: the member's cached viewer is forgotten everywhere and their
   * sockets closed (handlers, before the answer); the members notified about what they wrote or
   * did hear their new unread count.
   */
  announce(memberId: string): void {
    this.ctx.events.emit('MEMBER_CHANGED', { memberId });
    this.ctx.events.emit('MEMBER_SUSPENDED', { memberId });
    this.ctx.events.emit('MODERATION_VISIBILITY_CHANGED', { kind: ReportKind.MEMBER, subjectId: memberId, authorId: memberId });
  }
}
