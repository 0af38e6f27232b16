import type { EntityManager } from '@mikro-orm/postgresql';
import { readModel } from '../../server/db/read-model';
import { EMPTY_SQL, sql, type Sql } from '../../server/db/sql';
import { chronologicalKeyset, decodeKeyset, type PageDirection } from '../../server/pagination';
import { visibleToSql } from '../moderation/visibility';
import { Conversation } from './conversation.entity';
import { Message } from './message.entity';

/**
 * The conversation domain's reads that bypass the ORM, each one statement built with the sql
 * helper. A member "is in" a conversation while they take part in it and have not left it.
 */

const rows = (em: EntityManager, query: Sql) => em.execute<Record<string, unknown>[]>(query.text, [...query.params]);
const count = async (em: EntityManager, query: Sql) => (await rows(em, query))[0].count as number;
/** SQL built elsewhere with its own `?` parameters. */
const fragment = (text: string, params: readonly unknown[] = []): Sql => ({ text, params });

/** The conversation if `memberId` is in it. */
export async function joinedConversation(em: EntityManager, memberId: string, id: string): Promise<Conversation | null> {
  const [row] = await rows(
    em,
    sql`select c.* from conversation c join conversation_participant p on p.conversation_id = c.id
        where c.id = ${id} and p.member_id = ${memberId} and p.left_at is null`,
  );
  return row ? readModel(em, Conversation)(row) : null;
}

/** The conversations `memberId` is in, newest activity first after the keyset cursor (up to `first + 1`), and their total. */
export async function conversationPage(em: EntityManager, memberId: string, first: number, after: string | null | undefined) {
  const cursor = decodeKeyset(after);
  const page = await rows(
    em,
    sql`select c.* from conversation c join conversation_participant p on p.conversation_id = c.id
        where p.member_id = ${memberId} and p.left_at is null
          ${cursor ? sql`and (c.last_message_at, c.id) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)` : EMPTY_SQL}
        order by c.last_message_at desc, c.id desc
        limit ${first + 1}`,
  );
  return {
    items: page.map(readModel(em, Conversation)),
    totalCount: () =>
      count(em, sql`select count(*)::int as count from conversation_participant where member_id = ${memberId} and left_at is null`),
  };
}

/**
 * A page of a conversation's messages as `viewerId` may see them at `now` (hidden messages, and
 * those of a suspended sender, are for their sender only: moderation/visibility), and their total.
 */
export async function messagePage(em: EntityManager, conversationId: string, page: PageDirection, viewerId: string | null, now: Date) {
  const keyset = chronologicalKeyset(page);
  const visible = fragment(visibleToSql('message', 'sender_id', '?::timestamptz', '?::uuid'), [viewerId, now]);
  const found = await rows(
    em,
    sql`select * from message where conversation_id = ${conversationId} and ${visible} ${fragment(keyset.condition, keyset.params)} order by ${fragment(keyset.orderBy)} limit ${keyset.limit}`,
  );
  return {
    items: found.map(readModel(em, Message)),
    totalCount: () => count(em, sql`select count(*)::int as count from message where conversation_id = ${conversationId} and ${visible}`),
  };
}

/** The message if `memberId` is in its conversation and neither they nor its sender has blocked the other. */
export async function deliverableMessage(em: EntityManager, memberId: string, messageId: string): Promise<Message | null> {
  const [row] = await rows(
    em,
    sql`select m.* from message m
         join conversation_participant p on p.conversation_id = m.conversation_id and p.member_id = ${memberId} and p.left_at is null
        where m.id = ${messageId} and not exists (select 1 from member_block b
          where (b.blocker_id = p.member_id and b.blocked_id = m.sender_id) or (b.blocker_id = m.sender_id and b.blocked_id = p.member_id))`,
  );
  return row ? readModel(em, Message)(row) : null;
}

/** Whether either member has blocked the other. */
export async function blockedBetween(em: EntityManager, a: string, b: string): Promise<boolean> {
  const found = await rows(
    em,
    sql`select 1 from member_block where (blocker_id = ${a} and blocked_id = ${b}) or (blocker_id = ${b} and blocked_id = ${a}) limit 1`,
  );
  return found.length > 0;
}

/** Everyone who takes part in a conversation, those who left included. */
export async function participantIds(em: EntityManager, conversationId: string): Promise<string[]> {
  return (await rows(em, sql`select member_id from conversation_participant where conversation_id = ${conversationId}`)).map(
    (row) => row.member_id as string,
  );
}
