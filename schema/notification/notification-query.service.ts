import type { Context } from '../../server/context';
import { badInput } from '../../server/errors';
import { decodeKeyset, toConnection, type ConnectionShape } from '../../server/pagination';
import type { Member } from '../identity/member.entity';
import { Notification } from './notification.entity';
import type { MarkNotificationsReadArgs, NotificationsArgs } from './notification.inputs';
import { unreadCounts } from './notification.service';

const key = (notification: Notification) => [notification.createdAt.toISOString(), notification.id];

/** A member's own notifications: listing, counting, marking read. */
export class NotificationQueryService {
  constructor(private readonly ctx: Context) {}

  async list(viewer: Member, { first, after, unreadOnly }: NotificationsArgs): Promise<ConnectionShape<Notification>> {
    const cursor = decodeKeyset(after);
    const rows = await this.ctx.em.find(
      Notification,
      {
        recipient: viewer.id,
        ...(unreadOnly ? { readAt: null } : {}),
        ...(cursor ? { $or: [{ createdAt: { $lt: new Date(cursor[0]) } }, { createdAt: new Date(cursor[0]), id: { $lt: String(cursor[1]) } }] } : {}),
      },
      { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: first + 1 },
    );
    return toConnection(rows, first, key);
  }

  async unreadCount(viewer: Member): Promise<number> {
    return (await unreadCounts(this.ctx.em, [viewer.id])).get(viewer.id) ?? 0;
  }

  /** Marks the given (or all) of the viewer's notifications read; returns the new unread count. */
  async markRead(viewer: Member, { ids, all }: MarkNotificationsReadArgs): Promise<number> {
    if (!all && !ids?.length) throw badInput('Pass the ids to mark read, or all: true.', { ids: 'required unless all is true' });
    const where = all ? { recipient: viewer.id, readAt: null } : { recipient: viewer.id, readAt: null, id: { $in: ids! } };
    await this.ctx.em.nativeUpdate(Notification, where, { readAt: this.ctx.clock.now() });
    const count = await this.unreadCount(viewer);
    this.ctx.pubSub.publish('UNREAD_COUNT_CHANGED', viewer.id, { count });
    return count;
  }

  /** For subscribers: the notification if it is the viewer's. */
  async own(viewer: Member, id: string): Promise<Notification | null> {
    return this.ctx.em.findOne(Notification, { id, recipient: viewer.id });
  }
}
