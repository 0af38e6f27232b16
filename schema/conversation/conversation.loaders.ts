import type { EntityManager } from '@mikro-orm/postgresql';
import { ViewerKeyedLoader } from '../../server/viewer-loader';
import {
  blockedByViewers,
  lastMessages,
  otherMemberIds,
  unreadCounts,
  viewerMessages,
  type LastMessages,
  type UnreadMessages,
} from './conversation.queries';
import type { MessageRow } from './message.entity';

/** The conversation domain's per-viewer loaders (see ViewerKeyedLoader): one statement per batch, whatever the number of viewers in it. */
export function createConversationViewerLoaders(em: () => EntityManager) {
  return {
    /** Messages of conversations the viewer takes part in and has not left (null for any other id). */
    viewerMessageById: new ViewerKeyedLoader<MessageRow | null>(
      () => null,
      (viewerIds, ids) => viewerMessages(em(), viewerIds, ids),
    ),
    /** Whether the viewer blocks each member. */
    blockedByViewer: new ViewerKeyedLoader<boolean>(
      () => false,
      (viewerIds, ids) => blockedByViewers(em(), viewerIds, ids),
    ),
    /** The member on the other side of each of the viewer's conversations (load them through memberById). */
    otherMemberIdByConversationId: new ViewerKeyedLoader<string | null>(
      () => null,
      (viewerIds, ids) => otherMemberIds(em(), viewerIds, ids),
    ),
    /** What the viewer's lastMessage of each conversation is chosen from (moderation hides the other member's for a while). */
    lastMessagesByConversationId: new ViewerKeyedLoader<LastMessages>(
      () => ({ own: null, other: null, otherSuspendedUntil: null }),
      (viewerIds, ids) => lastMessages(em(), viewerIds, ids),
    ),
    /** Messages from others the viewer has not read, per conversation, and whether their sender is suspended. */
    unreadByConversationId: new ViewerKeyedLoader<UnreadMessages>(
      () => ({ count: 0, senderSuspendedUntil: null }),
      (viewerIds, ids) => unreadCounts(em(), viewerIds, ids),
    ),
  };
}

type ConversationViewerLoaders = ReturnType<typeof createConversationViewerLoaders>;

declare module '../../server/loaders' {
  interface ViewerKeyedLoaders extends ConversationViewerLoaders {}
}
