import type { Context } from '../../server/context';
import { badInput } from '../../server/errors';
import { toConnection, withTotalCount, type ConnectionShape } from '../../server/pagination';
import { NotificationRow } from './notification.entity';
import { isUUID } from 'class-validator';
import { readModel } from '../../server/db/read-model';
import { sql, uuidArray } from '../../server/db/sql';
import { notificationVisible } from '../moderation/visibility';
import {
  MARKED_READ_RETURNED,
  type MarkNotificationsReadArgs,
  type MarkNotificationsReadPayload,
  type NotificationsArgs,
} from './notification.inputs';
import { notificationPage, ownNotification, unreadCounts } from './notification.queries';
import type { MemberRow } from '../identity/member.entity';

const key = (notification: NotificationRow) => [notification.createdAt.toISOString(), notification.id];

export type NotificationQueryServiceDeps = Pick<Context, 'clock' | 'em' | 'events'>;

/** A member's own notifications: listing, counting, marking read. */
export class NotificationQueryService {
  constructor(private readonly ctx: NotificationQueryServiceDeps) {}

  async list(viewer: MemberRow, args: NotificationsArgs): Promise<ConnectionShape<NotificationRow>> {
    const page = await notificationPage(this.ctx.em, viewer.id, args, this.ctx.clock.now());
    return withTotalCount(toConnection(page.items, args.first, key, args.after), page.totalCount);
  }

  async unreadCount(viewer: MemberRow): Promise<number> {
    return (await unreadCounts(this.ctx.em, [viewer.id], this.ctx.clock.now())).get(viewer.id) ?? 0;
  }

  /**
   * Marks the given (or all) of the viewer's notifications read, among those `list` shows (not the
   * ones about what moderation hides from them); returns them (read) and the new unread count.
   */
  async markRead(viewer: MemberRow, { ids, all }: MarkNotificationsReadArgs): Promise<MarkNotificationsReadPayload> {
    if (!all && !ids?.length) throw badInput('Pass the ids to mark read, or all: true.', { ids: 'required unless all is true' });
    const now = this.ctx.clock.now();
    // Named ones come back even if they were read already (elsewhere): a client cache learns either way.
    const which = all ? sql`n.read_at is null` : sql`n.id = any(${uuidArray(ids!.filter((id) => isUUID(id)))}::uuid[])`;
    const update = sql`update notification n set read_at = coalesce(n.read_at, ${now}::timestamptz)
      where n.recipient_id = ${viewer.id}::uuid and ${which} and ${notificationVisible('n', now)} returning n.*`;
    const rows = await this.ctx.em.execute<Record<string, unknown>[]>(update.text, [...update.params]);
    const notifications = rows
      .map(readModel(this.ctx.em, NotificationRow))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (b.id > a.id ? 1 : -1))
      .slice(0, MARKED_READ_RETURNED);
    const unreadCount = await this.unreadCount(viewer);
    this.ctx.events.emit('NOTIFICATIONS_READ', { memberId: viewer.id });
    return { notifications, unreadCount };
  }

  /** For subscribers: the notification if it is the viewer's. */
  own(viewer: MemberRow, id: string): Promise<NotificationRow | null> {
    return ownNotification(this.ctx.em, viewer.id, id, this.ctx.clock.now());
  }
}
