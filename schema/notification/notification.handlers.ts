import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppDeps } from '../../server/context';
import { NotificationKind } from './notification-kind';
import { commentNotice, dropNotificationsAbout, messageBody, readersAffectedBy, unreadCounts } from './notification.queries';
import { NotificationWriter, type NewNotification } from './notification-writer';

/** Who hears about what: each domain event becomes notifications, written after its commit. */
export function registerNotificationHandlers(deps: AppDeps): void {
  const fork = () => deps.orm.em.fork() as EntityManager;
  const writer = (em: EntityManager) => new NotificationWriter(em, deps.pubSub, deps.clock);

  deps.events.on('NOTIFICATIONS_READ', async ({ memberId }) => {
    const count = (await unreadCounts(fork(), [memberId], deps.clock.now())).get(memberId) ?? 0;
    deps.pubSub.publish('UNREAD_COUNT_CHANGED', memberId, { count });
  });

  // Moderation hid or showed again what they were notified about: each reader hears their new count.
  deps.events.on('MODERATION_VISIBILITY_CHANGED', async (change) => {
    const em = fork();
    await writer(em).announceCounts(await readersAffectedBy(em, change));
  });

  // Moderators deleted what they were notified about: the notifications quoting it go, and their readers hear their new count.
  deps.events.on('SUBJECT_DELETED', async ({ kind, subjectId }) => {
    if (kind === 'MEMBER') return;
    const em = fork();
    await writer(em).announceCounts(await dropNotificationsAbout(em, kind, subjectId));
  });

  deps.events.on('CONTENT_PUBLISHED', async ({ contentId, actorId }) => {
    await writer(fork()).fanOutPublished(contentId, actorId);
  });

  deps.events.on('COMMENT_ADDED', async ({ commentId, contentId, parentId, authorId }) => {
    const em = fork();
    const row = await commentNotice(em, commentId, parentId);
    if (!row) return;
    const about = { actorId: authorId, subjectId: commentId, subjectTitle: row.body, contextId: contentId };
    const items: NewNotification[] = [];
    if (row.parent_author && row.parent_author !== authorId) {
      items.push({ ...about, recipientId: row.parent_author, kind: NotificationKind.COMMENT_REPLY });
    }
    if (row.content_author !== authorId && row.content_author !== row.parent_author) {
      items.push({ ...about, recipientId: row.content_author, kind: NotificationKind.COMMENT_ON_MY_CONTENT });
    }
    await writer(em).notify(items);
  });

  deps.events.on('MESSAGE_SENT', async ({ messageId, conversationId, senderId, recipientId }) => {
    const em = fork();
    const body = await messageBody(em, messageId);
    if (body === undefined) return;
    await writer(em).notify([
      {
        recipientId,
        kind: NotificationKind.MESSAGE_RECEIVED,
        actorId: senderId,
        subjectId: messageId,
        subjectTitle: body,
        contextId: conversationId,
      },
    ]);
  });
}
