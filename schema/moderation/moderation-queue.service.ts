import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../server/context';
import { decodeKeyset, toConnection, withTotalCount, type ConnectionShape } from '../../server/pagination';
import { softDeleteComment } from '../content/comment.service';
import type { MemberRow } from '../identity/member.entity';
import { ModerationCase } from './moderation-case.entity';
import { ModerationErrors } from './moderation.errors';
import { ModerationAction, ModerationCaseStatus, ModerationLogAction, ReportKind } from './moderation.enums';
import type { ModerationQueueArgs, ResolveReportArgs } from './moderation.inputs';
import { logDecision, setHidden } from './moderation-log';
import { HIDEABLE_TABLE } from './moderation-subject';
import { subjectAuthor } from './moderation.queries';
import { SuspensionService, type SuspensionServiceDeps } from './suspension.service';

const caseKey = (moderationCase: ModerationCase) => [moderationCase.openedAt.toISOString(), moderationCase.id];
const DEFAULT_SUSPENSION_MS = 7 * 86_400_000;

/** What a resolution did after its commit: who to tell. */
interface Resolution {
  moderationCase: ModerationCase;
  hidden: { authorId: string } | null;
  /** The subject was hidden or shown again (by `authorId`): who was notified about it hears their new count. */
  visibilityChanged: { authorId: string } | null;
  deleted: boolean;
  suspendedId: string | null;
}

export type ModerationQueueServiceDeps = Pick<Context, 'clock' | 'em' | 'events'> & SuspensionServiceDeps;

/** The moderators' queue: cases oldest first, and their resolution. */
export class ModerationQueueService {
  constructor(private readonly ctx: ModerationQueueServiceDeps) {}

  /** Oldest first (the longest waiting on top); keyset on (openedAt, id). */
  async list({ status, first, after }: ModerationQueueArgs): Promise<ConnectionShape<ModerationCase>> {
    const cursor = decodeKeyset(after);
    const rows = await this.ctx.em.find(
      ModerationCase,
      {
        status,
        ...(cursor
          ? { $or: [{ openedAt: { $gt: new Date(cursor[0]) } }, { openedAt: new Date(cursor[0]), id: { $gt: String(cursor[1]) } }] }
          : {}),
      },
      { orderBy: [{ openedAt: 'asc' }, { id: 'asc' }], limit: first + 1 },
    );
    return withTotalCount(toConnection(rows, first, caseKey, after), () => this.ctx.em.count(ModerationCase, { status }));
  }

  async resolve(moderator: MemberRow, args: ResolveReportArgs): Promise<ModerationCase> {
    const now = this.ctx.clock.now();
    const { moderationCase, hidden, visibilityChanged, deleted, suspendedId } = await this.ctx.em.transactional((em) =>
      this.decide(em as EntityManager, moderator, args, now),
    );
    const { subjectKind: kind, subjectId } = moderationCase;
    if (hidden) this.ctx.events.emit('SUBJECT_HIDDEN', { kind, subjectId, authorId: hidden.authorId, caseId: moderationCase.id });
    if (visibilityChanged) this.ctx.events.emit('MODERATION_VISIBILITY_CHANGED', { kind, subjectId, authorId: visibilityChanged.authorId });
    if (deleted) this.ctx.events.emit('SUBJECT_DELETED', { kind, subjectId });
    if (suspendedId) new SuspensionService(this.ctx).announce(suspendedId);
    return moderationCase;
  }

  private async decide(
    em: EntityManager,
    moderator: MemberRow,
    { caseId, action, note, suspendUntil }: ResolveReportArgs,
    now: Date,
  ): Promise<Resolution> {
    const moderationCase = await em.findOne(ModerationCase, { id: caseId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!moderationCase) throw ModerationErrors.caseNotFound();
    if (moderationCase.status !== ModerationCaseStatus.OPEN) throw ModerationErrors.caseResolved();
    const { subjectKind: kind, subjectId } = moderationCase;
    const table = HIDEABLE_TABLE[kind];
    if (kind === ReportKind.MEMBER && (action === ModerationAction.HIDE || action === ModerationAction.DELETE))
      throw ModerationErrors.actionNotForMember();
    const authorId = await subjectAuthor(em, kind, subjectId);
    const log = { actorId: moderator.id, subjectKind: kind, subjectId, caseId, note: note?.trim() || null, at: now };
    const resolution: Resolution = { moderationCase, hidden: null, visibilityChanged: null, deleted: false, suspendedId: null };
    switch (action) {
      case ModerationAction.DISMISS:
        // What enough reporters hid shows again; what a moderator hid before stays hidden.
        if (moderationCase.autoHidden && table && (await setHidden(em, table, subjectId, null)) && authorId)
          resolution.visibilityChanged = { authorId };
        await logDecision(em, { ...log, action: ModerationLogAction.DISMISS });
        break;
      case ModerationAction.HIDE:
        if (table && authorId) {
          const changed = await setHidden(em, table, subjectId, now);
          if (changed || moderationCase.autoHidden) resolution.hidden = { authorId };
          if (changed) resolution.visibilityChanged = { authorId };
        }
        await logDecision(em, { ...log, action: ModerationLogAction.HIDE });
        break;
      case ModerationAction.DELETE:
        if (table) {
          await this.deleteSubject(em, kind, subjectId, now);
          resolution.deleted = true;
        }
        await logDecision(em, { ...log, action: ModerationLogAction.DELETE });
        break;
      case ModerationAction.SUSPEND_AUTHOR: {
        if (!authorId) throw ModerationErrors.subjectNotFound();
        const until = suspendUntil ?? new Date(now.getTime() + DEFAULT_SUSPENSION_MS);
        await new SuspensionService(this.ctx).suspendIn(
          em,
          moderator,
          { memberId: authorId, until, reason: log.note ?? 'Reported by members' },
          caseId,
        );
        resolution.suspendedId = authorId;
        break;
      }
    }
    Object.assign(moderationCase, {
      status: ModerationCaseStatus.RESOLVED,
      action,
      note: log.note,
      resolvedAt: now,
      resolvedById: moderator.id,
    });
    await em.flush();
    return resolution;
  }

  /** A comment is deleted as its author would (its place in the thread stays); content and messages go. */
  private async deleteSubject(em: EntityManager, kind: ReportKind, id: string, now: Date): Promise<void> {
    if (kind === ReportKind.COMMENT) {
      await softDeleteComment(em, id, now);
      return;
    }
    await em.execute(`delete from ${HIDEABLE_TABLE[kind]} where id = ?`, [id]);
  }
}
