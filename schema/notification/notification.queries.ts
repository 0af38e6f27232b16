import type { EntityManager } from '@mikro-orm/postgresql';
import { readModel } from '../../server/db/read-model';
import { EMPTY_SQL, sql, uuidArray, type Sql } from '../../server/db/sql';
import { decodeKeyset } from '../../server/pagination';
import { notificationsByMember, notificationVisible } from '../moderation/visibility';
import { NotificationRow } from './notification.entity';
import { NotificationKind } from './notification-kind';
import type { NotificationsArgs } from './notification.inputs';
import { queryRows } from '../../server/db/read-query';
import type { DomainEvents } from '../../server/events';

/**
 * The notification domain's reads that bypass the ORM, each one statement built with the sql
 * helper. Every read leaves out the notifications about what moderation hides from their
 * recipient at `now` (moderation/visibility).
 */

const rows = queryRows;

/** One page of a member's notifications, newest first after the keyset cursor (up to `first + 1`), and their total. */
export async function notificationPage(
  em: EntityManager,
  recipientId: string,
  { first, after, unreadOnly }: NotificationsArgs,
  now: Date,
): Promise<{ items: NotificationRow[]; totalCount: () => Promise<number> }> {
  const cursor = decodeKeyset(after);
  const mine = sql`n.recipient_id = ${recipientId}::uuid ${unreadOnly ? sql`and n.read_at is null` : EMPTY_SQL} and ${notificationVisible('n', now)}`;
  const page = sql`select n.* from notification n where ${mine}
      ${cursor ? sql`and (n.created_at, n.id) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)` : EMPTY_SQL}
      order by n.created_at desc, n.id desc limit ${first + 1}::int`;
  const items = (await rows(em, page)).map(readModel(em, NotificationRow));
  const count = sql`select count(*)::int as count from notification n where ${mine}`;
  return { items, totalCount: async () => (await rows(em, count))[0].count as number };
}

/** The notification if it is `recipientId`'s and visible to them. */
export async function ownNotification(em: EntityManager, recipientId: string, id: string, now: Date): Promise<NotificationRow | null> {
  const [row] = await rows(
    em,
    sql`select n.* from notification n where n.id = ${id}::uuid and n.recipient_id = ${recipientId}::uuid and ${notificationVisible('n', now)}`,
  );
  return row ? readModel(em, NotificationRow)(row) : null;
}

/** Unread notifications per member. */
export async function unreadCounts(em: EntityManager, memberIds: string[], now: Date): Promise<Map<string, number>> {
  const counted = await rows(
    em,
    sql`select m.id as member_id, (select count(*) from notification n where n.recipient_id = m.id and n.read_at is null and ${notificationVisible('n', now)}) as count
       from unnest(${uuidArray(memberIds)}::uuid[]) as m(id)`,
  );
  return new Map(counted.map((row) => [row.member_id as string, Number(row.count)]));
}

/**
 * The members with unread notifications that a moderation decision may have hidden or shown again
 * (MODERATION_VISIBILITY_CHANGED): about the item, comment or message, or, for a member, about
 * what they wrote or did. Never its author, whose own notifications it does not hide.
 */
export async function readersAffectedBy(em: EntityManager, change: DomainEvents['MODERATION_VISIBILITY_CHANGED']): Promise<string[]> {
  const found = await rows<{ recipient_id: string }>(em, readersAffectedSql(change));
  return found.map((row) => row.recipient_id);
}

/**
 * readersAffectedBy's statement, read through notification_subject_index (or, for a member,
 * notificationsByMember's arms): without it, every decision read all unread notifications.
 * Its plan is tested (notification-moderation-plan.test.ts).
 */
export function readersAffectedSql({ kind, subjectId, authorId }: DomainEvents['MODERATION_VISIBILITY_CHANGED']): Sql {
  const unread = sql`n.read_at is null and n.recipient_id <> ${authorId}::uuid`;
  if (kind === 'MEMBER') return sql`select distinct n.recipient_id from (${notificationsByMember(subjectId, unread)}) n`;
  return sql`select distinct n.recipient_id from notification n where ${unread} and n.subject_type = ${kind} and n.subject_id = ${subjectId}::uuid`;
}

/**
 * Deletes the notifications that quote a subject the moderators deleted (a message, comment or
 * item): its text must not live on in them. The notices of the decision itself (CONTENT_HIDDEN to
 * its author, REPORT_FILED to moderators) stay. Answers the readers whose unread count changed.
 */
export async function dropNotificationsAbout(em: EntityManager, subjectType: string, subjectId: string): Promise<string[]> {
  const drop = dropNotificationsSql(subjectType, subjectId);
  const dropped = await em.execute<{ recipient_id: string; read_at: Date | null }[]>(drop.text, [...drop.params]);
  return [...new Set(dropped.filter((row) => row.read_at === null).map((row) => row.recipient_id))];
}

/**
 * dropNotificationsAbout's statement, read and unread alike, through notification_subject_index
 * (its plan is tested: notification-moderation-plan.test.ts).
 */
export const dropNotificationsSql = (subjectType: string, subjectId: string): Sql =>
  sql`delete from notification where subject_type = ${subjectType} and subject_id = ${subjectId}::uuid
      and kind not in (${NotificationKind.CONTENT_HIDDEN}, ${NotificationKind.REPORT_FILED})
    returning recipient_id, read_at`;

/** What a new comment's notifications say and whom they go to: its body, the item's author and the parent comment's author. */
export interface CommentNotice {
  body: string;
  content_author: string;
  parent_author: string | null;
}

export async function commentNotice(em: EntityManager, commentId: string, parentId: string | null): Promise<CommentNotice | undefined> {
  const [row] = await rows<CommentNotice>(
    em,
    sql`select c.body, ct.author_id as content_author, p.author_id as parent_author
         from comment c join content ct on ct.id = c.content_id left join comment p on p.id = ${parentId}
        where c.id = ${commentId}`,
  );
  return row;
}

/** A message's body, for its recipient's notification. */
export async function messageBody(em: EntityManager, messageId: string): Promise<string | undefined> {
  const [row] = await rows<{ body: string }>(em, sql`select body from message where id = ${messageId}`);
  return row?.body;
}
