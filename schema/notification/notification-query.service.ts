import type { Context } from '../../server/context';
import { badInput } from '../../server/errors';
import { decodeKeyset, toConnection, withTotalCount, type ConnectionShape } from '../../server/pagination';
import type { Member } from '../identity/member.entity';
import { Notification } from './notification.entity';
import { isUUID } from 'class-validator';
import { readModel } from '../../server/db/read-model';
import { EMPTY_SQL, sql, uuidArray } from '../../server/db/sql';
import { notificationVisible } from '../moderation/visibility';
import { MARKED_READ_RETURNED, type MarkNotificationsReadArgs, type MarkNotificationsReadPayload, type NotificationsArgs } from './notification.inputs';
import { unreadCounts } from './notification.service';

const key = (notification: Notification) => [notification.createdAt.toISOString(), notification.id];

/** A member's own notifications: listing, counting, marking read. */
export class NotificationQueryService {
  constructor(private readonly ctx: Context) {}

  async list(viewer: Member, { first, after, unreadOnly }: NotificationsArgs): Promise<ConnectionShape<Notification>> {
    const cursor = decodeKeyset(after);
    // Notifications about what moderation hides from the recipient are left out (moderation/visibility).
    const mine = sql`n.recipient_id = ${viewer.id}::uuid ${unreadOnly ? sql`and n.read_at is null` : EMPTY_SQL} and ${notificationVisible('n', this.ctx.clock.now())}`;
    const page = sql`select n.* from notification n where ${mine}
      ${cursor ? sql`and (n.created_at, n.id) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)` : EMPTY_SQL}
      order by n.created_at desc, n.id desc limit ${first + 1}::int`;
    const rows = (await this.ctx.em.execute<Record<string, unknown>[]>(page.text, [...page.params])).map(readModel(this.ctx.em, Notification));
    const count = sql`select count(*)::int as count from notification n where ${mine}`;
    return withTotalCount(toConnection(rows, first, key, after), async () => (await this.ctx.em.execute<{ count: number }[]>(count.text, [...count.params]))[0].count);
  }

  async unreadCount(viewer: Member): Promise<number> {
    return (await unreadCounts(this.ctx.em, [viewer.id], this.ctx.clock.now())).get(viewer.id) ?? 0;
  }

  /** Marks the given (or all) of the viewer's notifications read; returns them (read) and the new unread count. */
  async markRead(viewer: Member, { ids, all }: MarkNotificationsReadArgs): Promise<MarkNotificationsReadPayload> {
    if (!all && !ids?.length) throw badInput('Pass the ids to mark read, or all: true.', { ids: 'required unless all is true' });
    const rows = await this.ctx.em.execute<Record<string, unknown>[]>(
      // Named ones come back even if they were read already (elsewhere): a client cache learns either way.
      `update notification set read_at = coalesce(read_at, ?) where recipient_id = ? ${all ? 'and read_at is null' : 'and id = any(?::uuid[])'} returning *`,
      [this.ctx.clock.now(), viewer.id, ...(all ? [] : [uuidArray(ids!.filter((id) => isUUID(id)))])],
    );
    const notifications = rows
      .map(readModel(this.ctx.em, Notification))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (b.id > a.id ? 1 : -1))
      .slice(0, MARKED_READ_RETURNED);
    const unreadCount = await this.unreadCount(viewer);
    this.ctx.pubSub.publish('UNREAD_COUNT_CHANGED', viewer.id, { count: unreadCount });
    return { notifications, unreadCount };
  }

  /** For subscribers: the notification if it is the viewer's. */
  async own(viewer: Member, id: string): Promise<Notification | null> {
    const query = sql`select n.* from notification n where n.id = ${id}::uuid and n.recipient_id = ${viewer.id}::uuid and ${notificationVisible('n', this.ctx.clock.now())}`;
    const [row] = await this.ctx.em.execute<Record<string, unknown>[]>(query.text, [...query.params]);
    return row ? readModel(this.ctx.em, Notification)(row) : null;
  }
}
