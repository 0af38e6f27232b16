import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { readModel } from '../../server/db/read-model';
import { uuidArray } from '../../server/db/sql';
import { Message } from './message.entity';
import { inPairOrder, PAIRS, ViewerKeyedLoader, type PairRow } from '../../server/viewer-loader';

const inIds = `= any(?::uuid[])`;

/** The conversation domain's per-request DataLoaders whose answers are the same for every viewer (each one SQL statement per batch). */
export function createConversationLoaders(em: EntityManager) {
  return {
    /** The newest message of each conversation. */
    lastMessageByConversationId: new DataLoader<string, Message | null>(async (ids) => {
      const rows = await em.execute<Record<string, unknown>[]>(
        `select distinct on (conversation_id) * from message where conversation_id ${inIds}
          order by conversation_id, created_at desc, id desc`,
        [uuidArray(ids)],
      );
      const toMessage = readModel(em, Message);
      const byConversation = new Map(rows.map((row) => [row.conversation_id as string, toMessage(row)]));
      return ids.map((id) => byConversation.get(id) ?? null);
    }),
  };
}

/** The conversation domain's per-viewer loaders (see ViewerKeyedLoader): one statement per batch, whatever the number of viewers in it. */
export function createConversationViewerLoaders(em: EntityManager) {
  const pairs = (viewerIds: string[], ids: string[]) => [uuidArray(viewerIds), uuidArray(ids)];
  return {
    /** Messages of conversations the viewer takes part in and has not left (null for any other id). */
    viewerMessageById: new ViewerKeyedLoader<Message | null>(
      () => null,
      async (viewerIds, ids) => {
        const rows = await em.execute<PairRow[]>(
          `select k.viewer_id, k.id as key_id, m.* from ${PAIRS}
             join message m on m.id = k.id
             join conversation_participant p on p.conversation_id = m.conversation_id and p.member_id = k.viewer_id and p.left_at is null`,
          pairs(viewerIds, ids),
        );
        return inPairOrder(viewerIds, ids, rows, readModel(em, Message), null);
      },
    ),
    /** Whether the viewer blocks each member. */
    blockedByViewer: new ViewerKeyedLoader<boolean>(
      () => false,
      async (viewerIds, ids) => {
        const rows = await em.execute<PairRow[]>(
          `select k.viewer_id, k.id as key_id from ${PAIRS}
            where exists (select 1 from member_block b where b.blocker_id = k.viewer_id and b.blocked_id = k.id)`,
          pairs(viewerIds, ids),
        );
        return inPairOrder(viewerIds, ids, rows, () => true, false);
      },
    ),
    /** The member on the other side of each of the viewer's conversations (load them through memberById). */
    otherMemberIdByConversationId: new ViewerKeyedLoader<string | null>(
      () => null,
      async (viewerIds, ids) => {
        const rows = await em.execute<PairRow[]>(
          `select k.viewer_id, k.id as key_id, p.member_id from ${PAIRS}
             join conversation_participant p on p.conversation_id = k.id and p.member_id <> k.viewer_id`,
          pairs(viewerIds, ids),
        );
        return inPairOrder(viewerIds, ids, rows, (row) => row.member_id as string, null);
      },
    ),
    /** Messages from others the viewer has not read, per conversation. */
    unreadCountByConversationId: new ViewerKeyedLoader<number>(
      () => 0,
      async (viewerIds, ids) => {
        const rows = await em.execute<PairRow[]>(
          `select k.viewer_id, k.id as key_id, count(m.id)::int as unread
             from ${PAIRS}
             join conversation_participant p on p.member_id = k.viewer_id and p.conversation_id = k.id
             left join message m on m.conversation_id = p.conversation_id and m.sender_id <> p.member_id
                  and m.created_at > coalesce(p.last_read_at, '-infinity')
            group by k.viewer_id, k.id`,
          pairs(viewerIds, ids),
        );
        return inPairOrder(viewerIds, ids, rows, (row) => row.unread as number, 0);
      },
    ),
  };
}

type ConversationLoaders = ReturnType<typeof createConversationLoaders>;
type ConversationViewerLoaders = ReturnType<typeof createConversationViewerLoaders>;

declare module '../../server/loaders' {
  interface SharedLoaders extends ConversationLoaders {}
  interface ViewerKeyedLoaders extends ConversationViewerLoaders {}
}
