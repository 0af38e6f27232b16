import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import { Redis } from 'ioredis';

/**
 * Every realtime topic and its payload, in one place. Payloads are plain JSON with ids: the
 * subscription resolver re-loads and re-checks what the viewer may see before delivering.
 * Domains add their topics here.
 */
export interface Topics {
  [topic: string]: [] | [unknown] | [string | number, unknown];
  /** Published when a member's role or membership changes, so open sockets re-check access. */
  MEMBER_ACCESS_CHANGED: [{ memberId: string }];
  /** Routed by recipient member id. */
  NOTIFICATION_ADDED: [string, { notificationId: string }];
  /** Routed by member id; carries the new unread count. */
  UNREAD_COUNT_CHANGED: [string, { count: number }];
  /** Routed by member id: published once per participant of the conversation. */
  MESSAGE_ADDED: [string, { messageId: string; conversationId: string }];
  /** Routed by content id. */
  COMMENT_ADDED: [string, { commentId: string }];
  /** Every published item; subscribers filter by theme. `eventId` tells one event from another (shared per-event checks). */
  CONTENT_PUBLISHED: [{ contentId: string; eventId: string }];
  /** Routed by session id: its status, schedule or replay changed. */
  LIVE_SESSION_UPDATED: [string, { sessionId: string }];
  /** Who may enter a session's room changed: every instance drops its roster (SessionRosters). */
  LIVE_ROSTER_CHANGED: [{ sessionId: string }];
  /** Routed by session id. */
  SESSION_CHAT_MESSAGE_ADDED: [string, { messageId: string }];
}

export type HearthPubSub = PubSub<Topics>;

export interface PubSubHandle {
  pubSub: HearthPubSub;
  close(): Promise<void>;
}

/** Redis-backed when REDIS_URL is set (several API instances share events), in-memory otherwise. */
export function createHearthPubSub(redisUrl: string | undefined): PubSubHandle {
  if (!redisUrl) return { pubSub: createPubSub<Topics>(), close: async () => {} };
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    pubSub: createPubSub<Topics>({ eventTarget }),
    close: async () => {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}
