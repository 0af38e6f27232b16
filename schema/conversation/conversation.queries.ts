import type { EntityManager } from '@mikro-orm/postgresql';
import { readModel } from '../../server/db/read-model';
import { EMPTY_SQL, rawSql, sql, type Sql } from '../../server/db/sql';
import { chronologicalKeyset, decodeKeyset, type PageDirection } from '../../server/pagination';
import { inPairOrder, pairsOf, type PairRow } from '../../server/viewer-loader';
import { visibleToSql } from '../moderation/visibility';
import { ConversationRow } from './conversation.entity';
import { MessageRow } from './message.entity';
import { queryRows } from '../../server/db/read-query';

/**
 * The conversation domain's reads that bypass the ORM, each one statement built with the sql
 * helper. A member "is in" a conversation while they take part in it and have not left it.
 */

const rows = (em: EntityManager, query: Sql) => queryRows(em, query);
const count = async (em: EntityManager, query: Sql) => (await rows(em, query))[0].count as number;

/** The conversation if `memberId` is in it. */
export async function joinedConversation(em: EntityManager, memberId: string, id: string): Promise<ConversationRow | null> {
  const [row] = await rows(
    em,
    sql`select c.* from conversation c join conversation_participant p on p.conversation_id = c.id
        where c.id = ${id} and p.member_id = ${memberId} and p.left_at is null`,
  );
  return row ? readModel(em, ConversationRow)(row) : null;
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
    items: page.map(readModel(em, ConversationRow)),
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
  const visible = rawSql(visibleToSql('message', 'sender_id', '?::timestamptz', '?::uuid'), [viewerId, now]);
  const found = await rows(
    em,
    sql`select * from message where conversation_id = ${conversationId} and ${visible} ${rawSql(keyset.condition, keyset.params)} order by ${rawSql(keyset.orderBy)} limit ${keyset.limit}`,
  );
  return {
    items: found.map(readModel(em, MessageRow)),
    totalCount: () => count(em, sql`select count(*)::int as count from message where conversation_id = ${conversationId} and ${visible}`),
  };
}

/** The message if `memberId` is in its conversation and neither they nor its sender has blocked the other. */
export async function deliverableMessage(em: EntityManager, memberId: string, messageId: string): Promise<MessageRow | null> {
  const [row] = await rows(
    em,
    sql`select m.* from message m
         join conversation_participant p on p.conversation_id = m.conversation_id and p.member_id = ${memberId} and p.left_at is null
        where m.id = ${messageId} and not exists (select 1 from member_block b
          where (b.blocker_id = p.member_id and b.blocked_id = m.sender_id) or (b.blocker_id = m.sender_id and b.blocked_id = p.member_id))`,
  );
  return row ? readModel(em, MessageRow)(row) : null;
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

/**
 * What each viewer's lastMessage is chosen from, whenever they read it (a suspension starts and ends
 * by the clock: ConversationService.lastMessage decides): their own newest message, the newest one
 * from the other member that the moderators did not hide, and until when that member is suspended.
 */
export interface LastMessages {
  own: MessageRow | null;
  other: MessageRow | null;
  otherSuspendedUntil: Date | null;
}

/** For each (viewer, conversation id) pair, its LastMessages, in the pairs' order. */
export async function lastMessages(em: EntityManager, viewerIds: string[], ids: string[]): Promise<LastMessages[]> {
  const newest = (senders: string) =>
    rawSql(`left join lateral (select * from message m where m.conversation_id = k.id and ${senders}
                                 order by m.created_at desc, m.id desc limit 1)`);
  const found = (await rows(
    em,
    sql`select k.viewer_id, k.id as key_id, to_jsonb(own) as own, to_jsonb(other) as other, o.suspended_until as other_suspended_until
          from ${pairsOf(viewerIds, ids)}
          ${newest('m.sender_id = k.viewer_id')} own on true
          ${newest('m.sender_id <> k.viewer_id and m.hidden_at is null')} other on true
          left join member o on o.id = other.sender_id`,
  )) as PairRow[];
  const toMessage = readModel(em, MessageRow);
  return inPairOrder(
    viewerIds,
    ids,
    found,
    (row) => ({
      own: row.own ? toMessage(row.own as Record<string, unknown>) : null,
      other: row.other ? toMessage(row.other as Record<string, unknown>) : null,
      otherSuspendedUntil: row.other_suspended_until ? new Date(row.other_suspended_until as string) : null,
    }),
    { own: null, other: null, otherSuspendedUntil: null },
  );
}

/** For each (viewer, message id) pair, the message if the viewer is in its conversation (null otherwise), in the pairs' order. */
export async function viewerMessages(em: EntityManager, viewerIds: string[], ids: string[]): Promise<(MessageRow | null)[]> {
  const found = (await rows(
    em,
    sql`select k.viewer_id, k.id as key_id, m.* from ${pairsOf(viewerIds, ids)}
          join message m on m.id = k.id
          join conversation_participant p on p.conversation_id = m.conversation_id and p.member_id = k.viewer_id and p.left_at is null`,
  )) as PairRow[];
  return inPairOrder(viewerIds, ids, found, readModel(em, MessageRow), null);
}

/** For each (viewer, member id) pair, whether the viewer blocks the member. */
export async function blockedByViewers(em: EntityManager, viewerIds: string[], ids: string[]): Promise<boolean[]> {
  const found = (await rows(
    em,
    sql`select k.viewer_id, k.id as key_id from ${pairsOf(viewerIds, ids)}
         where exists (select 1 from member_block b where b.blocker_id = k.viewer_id and b.blocked_id = k.id)`,
  )) as PairRow[];
  return inPairOrder(viewerIds, ids, found, () => true, false);
}

/** For each (viewer, conversation id) pair, the member on the other side (null where the viewer is not in it). */
export async function otherMemberIds(em: EntityManager, viewerIds: string[], ids: string[]): Promise<(string | null)[]> {
  const found = (await rows(
    em,
    sql`select k.viewer_id, k.id as key_id, p.member_id from ${pairsOf(viewerIds, ids)}
          join conversation_participant p on p.conversation_id = k.id and p.member_id <> k.viewer_id`,
  )) as PairRow[];
  return inPairOrder(viewerIds, ids, found, (row) => row.member_id as string, null);
}

/**
 * A viewer's unread messages from the other member that the moderators did not hide, and until
 * when their sender is suspended (ConversationService.unreadCount decides at the time it reads).
 */
export interface UnreadMessages {
  count: number;
  senderSuspendedUntil: Date | null;
}

/** For each (viewer, conversation id) pair, its UnreadMessages, in the pairs' order. */
export async function unreadCounts(em: EntityManager, viewerIds: string[], ids: string[]): Promise<UnreadMessages[]> {
  // One other member per conversation; were there several, the latest suspension would hide them all (fail closed).
  const found = (await rows(
    em,
    sql`select k.viewer_id, k.id as key_id, count(m.id)::int as unread, max(s.suspended_until) as sender_suspended_until
          from ${pairsOf(viewerIds, ids)}
          join conversation_participant p on p.member_id = k.viewer_id and p.conversation_id = k.id
          left join message m on m.conversation_id = p.conversation_id and m.sender_id <> p.member_id
               and m.created_at > coalesce(p.last_read_at, '-infinity') and m.hidden_at is null
          left join member s on s.id = m.sender_id
         group by k.viewer_id, k.id`,
  )) as PairRow[];
  return inPairOrder(
    viewerIds,
    ids,
    found,
    (row) => ({
      count: row.unread as number,
      senderSuspendedUntil: row.sender_suspended_until ? new Date(row.sender_suspended_until as string) : null,
    }),
    { count: 0, senderSuspendedUntil: null },
  );
}

/** The conversation of a pair of members (pairKeyOf), if it exists. */
export async function conversationIdOfPair(em: EntityManager, pairKey: string): Promise<string | undefined> {
  return (await rows(em, sql`select id from conversation where pair_key = ${pairKey}`))[0]?.id as string | undefined;
}
