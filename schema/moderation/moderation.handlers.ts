import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppDeps } from '../../server/context';
import { WS_MEMBER_SUSPENDED } from '../../server/ws';
import { NotificationKind, NotificationSubjectType } from '../notification/notification-kind';
import { NotificationWriter } from '../notification/notification-writer';
import { ReportKind } from './moderation.enums';
import { caseSubject, moderatorIds, subjectLabel } from './moderation.queries';

/** The notification subject type of each reportable kind (members have none: they are not hidden). */
const SUBJECT_TYPE: Record<ReportKind, NotificationSubjectType | null> = {
  [ReportKind.CONTENT]: NotificationSubjectType.CONTENT,
  [ReportKind.COMMENT]: NotificationSubjectType.COMMENT,
  [ReportKind.MESSAGE]: NotificationSubjectType.MESSAGE,
  [ReportKind.MEMBER]: null,
};

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
    const found = await caseSubject(em, caseId);
    if (!found) return;
    const subject = await subjectLabel(em, found.subject_kind, found.subject_id);
    const moderators = await moderatorIds(em, reporterId);
    await writer(em).notify(
      moderators.map((id) => ({
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
    const type = SUBJECT_TYPE[kind];
    if (!type) return;
    const em = fork();
    const subject = await subjectLabel(em, kind, subjectId);
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
