import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { readModel } from '../../server/db/read-model';
import { uuidArray } from '../../server/db/sql';
import { Message } from './message.entity';
import { byIdLoader } from '../../server/dataloaders';

const inIds = `= any(?::uuid[])`;

/** The conversation domain's per-request DataLoaders (each one SQL statement per batch). */
export function createConversationLoaders(em: EntityManager, viewerId: () => string | null) {
  return {
    /** Messages of conversations the viewer takes part in and has not left (null for any other id). */
    viewerMessageById: byIdLoader<Message>(async (ids) => {
      if (!viewerId()) return [];
      const rows = await em.execute<Record<string, unknown>[]>(
        `select m.* from message m join conversation_participant p on p.conversation_id = m.conversation_id and p.member_id = ? and p.left_at is null
          where m.id ${inIds}`,
        [viewerId(), uuidArray(ids)],
      );
      return rows.map(readModel(em, Message));
    }),
    /** Whether the viewer blocks each member. */
    blockedByViewer: new DataLoader<string, boolean>(async (ids) => {
      if (!viewerId()) return ids.map(() => false);
      const rows = await em.execute<{ blocked_id: string }[]>('select blocked_id from member_block where blocker_id = ? and blocked_id ' + inIds, [
        viewerId(),
        uuidArray(ids),
      ]);
      const blocked = new Set(rows.map((row) => row.blocked_id));
      return ids.map((id) => blocked.has(id));
    }),
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
    /** The member on the other side of each of the viewer's conversations (load them through memberById). */
    otherMemberIdByConversationId: new DataLoader<string, string | null>(async (ids) => {
      if (!viewerId()) return ids.map(() => null);
      const rows = await em.execute<{ conversation_id: string; member_id: string }[]>(
        `select conversation_id, member_id from conversation_participant where conversation_id ${inIds} and member_id <> ?`,
        [uuidArray(ids), viewerId()],
      );
      const byConversation = new Map(rows.map((row) => [row.conversation_id, row.member_id]));
      return ids.map((id) => byConversation.get(id) ?? null);
    }),
    /** Messages from others the viewer has not read, per conversation. */
    unreadCountByConversationId: new DataLoader<string, number>(async (ids) => {
      if (!viewerId()) return ids.map(() => 0);
      const rows = await em.execute<{ conversation_id: string; unread: number }[]>(
        `select p.conversation_id, count(m.id)::int as unread
           from conversation_participant p
           left join message m on m.conversation_id = p.conversation_id and m.sender_id <> p.member_id
                and m.created_at > coalesce(p.last_read_at, '-infinity')
          where p.member_id = ? and p.conversation_id ${inIds}
          group by p.conversation_id`,
        [viewerId(), uuidArray(ids)],
      );
      const byConversation = new Map(rows.map((row) => [row.conversation_id, row.unread]));
      return ids.map((id) => byConversation.get(id) ?? 0);
    }),
  };
}

type ConversationLoaders = ReturnType<typeof createConversationLoaders>;

declare module '../../server/loaders' {
  interface Loaders extends ConversationLoaders {}
}
