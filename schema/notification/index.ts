import type { HearthModule } from '../../server/module';
import { Notification } from './notification.entity';
import { registerNotificationHandlers } from './notification.handlers';
import { NotificationResolver } from './notification.resolver';

declare module '../../server/pubsub' {
  interface Topics {
    /** Routed by recipient member id. */
    NOTIFICATION_ADDED: [string, { notificationId: string }];
    /** Routed by member id; carries the new unread count. */
    UNREAD_COUNT_CHANGED: [string, { count: number }];
  }
}

declare module '../../server/events' {
  interface DomainEvents {
    /** A member marked notifications read: their other clients hear the new unread count. */
    NOTIFICATIONS_READ: { memberId: string };
  }
}

/** Notification kinds (one registry), the fan-out writer and the queries. */
export const notificationModule: HearthModule = {
  name: 'notification',
  entities: [Notification],
  resolvers: [NotificationResolver],
  handlers: registerNotificationHandlers,
};
