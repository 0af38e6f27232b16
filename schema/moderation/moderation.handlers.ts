import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppDeps } from '../../server/context';
import { WS_MEMBER_SUSPENDED } from '../../server/ws';
import { NotificationKind, NotificationSubjectType } from '../notification/notification-kind';
import { NotificationWriter } from '../notification/notification-writer';
import { ReportKind } from './moderation.enums';

/** Each reportable kind's table, what names it, and where it lives (for deep links). */
const DESCRIBED: Record<ReportKind, { sql: string; type: NotificationSubjectType | null }> = {
  [ReportKind.CONTENT]: {
    sql: 'select title as label, null::uuid as context_id from content where id = ?',
    type: NotificationSubjectType.CONTENT,
  },
  [ReportKind.COMMENT]: {
    sql: "select coalesce(body, '') as label, content_id as context_id from comment where id = ?",
    type: NotificationSubjectType.COMMENT,
  },
  [ReportKind.MESSAGE]: {
    sql: 'select body as label, conversation_id as context_id from message where id = ?',
    type: NotificationSubjectType.MESSAGE,
  },
  [ReportKind.MEMBER]: { sql: 'select display_name as label, null::uuid as context_id from member where id = ?', type: null },
};

async function describe(
  em: EntityManager,
  kind: ReportKind,
  id: string,
): Promise<{ label: string; context_id: string | null } | undefined> {
  return (await em.execute<{ label: string; context_id: string | null }[]>(DESCRIBED[kind].sql, [id]))[0];
}

/** Who hears about moderation: admins and moderators of new cases, authors of what was hidden, a suspended member's sockets. */
export function registerModerationHandlers(deps: AppDeps): void {
  const fork = () => deps.orm.em.fork() as EntityManager;
  const writer = (em: EntityManager) => new NotificationWriter(em, deps.pubSub, deps.clock);

  // Before the suspension's request answers, as its MEMBER_CHANGED is (identity.handlers.ts).
  deps.events.beforeAnswer('MEMBER_SUSPENDED', ({ memberId }) => {
    deps.pubSub.publish('CLOSE_MEMBER_SOCKETS', { memberId, code: WS_MEMBER_SUSPENDED, reason: 'Member suspended' });
  });

  deps.events.on('REPORT_FILED', async ({ caseId, reporterId, opened }) => {
    if (!opened) return; // one notification per case, not per report
    const em = fork();
    const [found] = await em.execute<{ subject_kind: ReportKind; subject_id: string }[]>(
      'select subject_kind, subject_id from moderation_case where id = ?',
      [caseId],
    );
    if (!found) return;
    const subject = await describe(em, found.subject_kind, found.subject_id);
    const moderators = await em.execute<{ id: string }[]>(`select id from member where role in ('ADMIN', 'MODERATOR') and id <> ?`, [
      reporterId,
    ]);
    await writer(em).notify(
      moderators.map(({ id }) => ({
        recipientId: id,
        kind: NotificationKind.REPORT_FILED,
        actorId: null, // reporters are named in the queue, not pushed around
        subjectId: caseId,
        subjectTitle: subject?.label ?? '',
      })),
    );
  });

  deps.events.on('SUBJECT_HIDDEN', async ({ kind: named, subjectId, authorId }) => {
    const kind = named as ReportKind;
    const type = DESCRIBED[kind].type;
    if (!type) return;
    const em = fork();
    const subject = await describe(em, kind, subjectId);
    if (!subject) return;
    await writer(em).notify([
      {
        recipientId: authorId,
        kind: NotificationKind.CONTENT_HIDDEN,
        actorId: null,
        subjectType: type,
        subjectId,
        subjectTitle: subject.label,
        contextId: subject.context_id,
      },
    ]);
  });
}
