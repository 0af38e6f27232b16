import {
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { requireViewer } from '../identity/authorization';
import type { Context } from '../../server/context';
import { Shareable } from '../../server/viewer-dependence';
import { Connection } from '../../server/pagination';
import { deliverChecked } from '../../server/subscriptions';
import { MemberRow } from '../identity/member.entity';
import { NotificationRow } from './notification.entity';
import { loadSubject, NotificationSubject } from './notification-subject';
import { MarkNotificationsReadArgs, MarkNotificationsReadPayload, NotificationsArgs } from './notification.inputs';
import { NotificationQueryService } from './notification-query.service';
import { loadNotificationText } from './notification-text';

const NotificationConnection = Connection(NotificationRow, 'Notification', {
  totalCount: 'The viewer’s notifications (unread ones only with `unreadOnly`).',
});
type SubscribeData = SubscribeResolverData<unknown, object, Context>;

@Resolver(() => NotificationRow)
export class NotificationResolver {
  @Authorized()
  @Query(() => NotificationConnection, { description: 'The viewer’s notifications, newest first.' })
  notifications(@Args() args: NotificationsArgs, @Ctx() ctx: Context) {
    return new NotificationQueryService(ctx).list(requireViewer(ctx), args);
  }

  @Authorized()
  @Query(() => Int)
  unreadNotificationCount(@Ctx() ctx: Context): Promise<number> {
    return new NotificationQueryService(ctx).unreadCount(requireViewer(ctx));
  }

  @Authorized()
  @Mutation(() => MarkNotificationsReadPayload, {
    description: 'Marks notifications read; returns them and the viewer’s new unread count.',
  })
  markNotificationsRead(@Args() args: MarkNotificationsReadArgs, @Ctx() ctx: Context): Promise<MarkNotificationsReadPayload> {
    return new NotificationQueryService(ctx).markRead(requireViewer(ctx), args);
  }

  @Subscription(() => NotificationRow, {
    description: 'The viewer’s own notifications as they are created.',
    subscribe: ({ context }: SubscribeData) => {
      const viewer = requireViewer(context);
      return deliverChecked(context, context.pubSub.subscribe('NOTIFICATION_ADDED', viewer.id), ({ notificationId }, ctx) =>
        new NotificationQueryService(ctx).own(viewer, notificationId),
      );
    },
  })
  notificationAdded(@Root() notification: NotificationRow): NotificationRow {
    return notification;
  }

  @Subscription(() => Int, {
    description: 'The viewer’s unread notification count, whenever it changes.',
    subscribe: ({ context }: SubscribeData) => context.pubSub.subscribe('UNREAD_COUNT_CHANGED', requireViewer(context).id),
  })
  unreadNotificationCountChanged(@Root() payload: { count: number }): number {
    return payload.count;
  }

  @FieldResolver(() => MemberRow, { nullable: true })
  @Shareable('loads the actor by id; Member’s own fields decide what each viewer sees')
  actor(@Root() notification: NotificationRow, @Ctx() ctx: Context): Promise<MemberRow | null> | null {
    return notification.actor ? ctx.loaders.memberById.load(notification.actor.id) : null;
  }

  @FieldResolver(() => String, {
    description:
      'What happened, as one sentence in the viewer’s language (their `locale`, else the community’s), e.g. "Camille Martin replied to your comment: “…”".',
  })
  text(@Root() notification: NotificationRow, @Ctx() ctx: Context): Promise<string> {
    return loadNotificationText(notification, ctx);
  }

  @FieldResolver(() => NotificationSubject, {
    nullable: true,
    description: 'The subject itself, as the viewer may see it now; null once it is gone or hidden (subjectTitle still reads).',
  })
  subject(@Root() notification: NotificationRow, @Ctx() ctx: Context) {
    return loadSubject(notification, ctx);
  }
}
