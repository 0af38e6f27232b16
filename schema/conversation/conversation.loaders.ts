import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ViewerKeyedLoader } from '../../server/viewer-loader';
import { blockedByViewers, lastMessages, otherMemberIds, unreadCounts, viewerMessages } from './conversation.queries';
import type { MessageRow } from './message.entity';

/** The conversation domain's per-request DataLoaders whose answers are the same for every viewer (each one SQL statement per batch). */
export function createConversationLoaders(em: EntityManager) {
  return {
    /** The newest message of each conversation. */
    lastMessageByConversationId: new DataLoader<string, MessageRow | null>((ids) => lastMessages(em, ids)),
  };
}

/** The conversation domain's per-viewer loaders (see ViewerKeyedLoader): one statement per batch, whatever the number of viewers in it. */
export function createConversationViewerLoaders(em: EntityManager) {
  return {
    /** Messages of conversations the viewer takes part in and has not left (null for any other id). */
    viewerMessageById: new ViewerKeyedLoader<MessageRow | null>(
      () => null,
      (viewerIds, ids) => viewerMessages(em, viewerIds, ids),
    ),
    /** Whether the viewer blocks each member. */
    blockedByViewer: new ViewerKeyedLoader<boolean>(
      () => false,
      (viewerIds, ids) => blockedByViewers(em, viewerIds, ids),
    ),
    /** The member on the other side of each of the viewer's conversations (load them through memberById). */
    otherMemberIdByConversationId: new ViewerKeyedLoader<string | null>(
      () => null,
      (viewerIds, ids) => otherMemberIds(em, viewerIds, ids),
    ),
    /** Messages from others the viewer has not read, per conversation. */
    unreadCountByConversationId: new ViewerKeyedLoader<number>(
      () => 0,
      (viewerIds, ids) => unreadCounts(em, viewerIds, ids),
    ),
  };
}

type ConversationLoaders = ReturnType<typeof createConversationLoaders>;
type ConversationViewerLoaders = ReturnType<typeof createConversationViewerLoaders>;

declare module '../../server/loaders' {
  interface SharedLoaders extends ConversationLoaders {}
  interface ViewerKeyedLoaders extends ConversationViewerLoaders {}
}
