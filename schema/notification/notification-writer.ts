import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../server/clock';
import type { HearthPubSub } from '../../server/pubsub';
import { shorten } from '../../server/text';
import { unreadCounts } from './notification.queries';
import { NOTIFICATION_SUBJECT, type NotificationKind, type NotificationSubjectType } from './notification-kind';

export interface NewNotification {
  recipientId: string;
  kind: NotificationKind;
  actorId: string | null;
  subjectId: string;
  subjectTitle: string;
  contextId?: string | null;
  /** When the kind's subject can be of several types (CONTENT_HIDDEN); NOTIFICATION_SUBJECT[kind] otherwise. */
  subjectType?: NotificationSubjectType;
}

/** Recipients of one fan-out are inserted and announced this many at a time. */
export const FAN_OUT_BATCH = 1000;
const TITLE_MAX = 140;

export const excerpt = (text: string | null) => {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return shorten(flat, TITLE_MAX);
};

/**
 * Writes notifications and announces them. Runs after the commit of what it is about, outside
 * the request (domain event handlers): inserts are batched, one statement per batch, and each
 * recipient gets NOTIFICATION_ADDED and their new unread count.
 */
export class NotificationWriter {
  constructor(
    private readonly em: EntityManager,
    private readonly pubSub: HearthPubSub,
    private readonly clock: Clock,
  ) {}

  async notify(items: NewNotification[]): Promise<void> {
    for (let start = 0; start < items.length; start += FAN_OUT_BATCH) {
      const rows = items.slice(start, start + FAN_OUT_BATCH).map((item) => ({
        id: randomUUID(),
        recipient_id: item.recipientId,
        kind: item.kind,
        actor_id: item.actorId,
        subject_type: item.subjectType ?? NOTIFICATION_SUBJECT[item.kind],
        subject_id: item.subjectId,
        subject_title: excerpt(item.subjectTitle),
        context_id: item.contextId ?? null,
      }));
      await this.em.execute(
        `insert into notification (id, recipient_id, kind, actor_id, subject_type, subject_id, subject_title, context_id, created_at)
         select r.*, ?::timestamptz from jsonb_to_recordset(?::jsonb) as r(id uuid, recipient_id uuid, kind text, actor_id uuid,
           subject_type text, subject_id uuid, subject_title text, context_id uuid)`,
        [this.clock.now(), JSON.stringify(rows)],
      );
      await this.announce(rows.map((row) => ({ id: row.id, recipientId: row.recipient_id })));
    }
  }

  /**
   * CONTENT_PUBLISHED to every member interested in one of the item's themes (not its author), in
   * batches of FAN_OUT_BATCH recipients: one INSERT … SELECT per batch, keyset over member ids.
   */
  async fanOutPublished(contentId: string, actorId: string): Promise<number> {
    let after = '00000000-0000-0000-0000-000000000000';
    let total = 0;
    for (;;) {
      const created = await this.em.execute<{ id: string; recipient_id: string }[]>(
        `with recipients as (
           select distinct mi.member_id from member_interest mi join content_theme ct on ct.theme_id = mi.theme_id
            where ct.content_id = ? and mi.member_id <> (select author_id from content where id = ?) and mi.member_id > ?::uuid
            order by mi.member_id limit ?)
         insert into notification (id, recipient_id, kind, actor_id, subject_type, subject_id, subject_title, created_at)
         select gen_random_uuid(), r.member_id, 'CONTENT_PUBLISHED', ?::uuid, 'CONTENT', c.id, left(c.title, ${TITLE_MAX}), ?::timestamptz
           from recipients r, content c where c.id = ?
         returning id, recipient_id`,
        [contentId, contentId, after, FAN_OUT_BATCH, actorId, this.clock.now(), contentId],
      );
      if (!created.length) return total;
      total += created.length;
      await this.announce(created.map((row) => ({ id: row.id, recipientId: row.recipient_id })));
      after = created.reduce((max, row) => (row.recipient_id > max ? row.recipient_id : max), after);
      if (created.length < FAN_OUT_BATCH) return total;
    }
  }

  /** Publishes each new notification to its recipient, then each recipient's unread count (one query per batch). */
  async announce(created: { id: string; recipientId: string }[]): Promise<void> {
    for (const { id, recipientId } of created) this.pubSub.publish('NOTIFICATION_ADDED', recipientId, { notificationId: id });
    await this.announceCounts([...new Set(created.map((row) => row.recipientId))]);
  }

  /** Publishes each member's unread count, FAN_OUT_BATCH members per query. */
  async announceCounts(memberIds: string[]): Promise<void> {
    for (let start = 0; start < memberIds.length; start += FAN_OUT_BATCH) {
      const counts = await unreadCounts(this.em, memberIds.slice(start, start + FAN_OUT_BATCH), this.clock.now());
      for (const [memberId, count] of counts) this.pubSub.publish('UNREAD_COUNT_CHANGED', memberId, { count });
    }
  }
}
