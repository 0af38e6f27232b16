import { randomUUID } from 'node:crypto';
import { isUUID } from 'class-validator';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../server/context';
import { readModel } from '../../server/db/read-model';
import { chronologicalKeyset, decodeKeyset, pageDirection, toChronologicalConnection, toConnection, withTotalCount, type ConnectionShape } from '../../server/pagination';
import type { Member } from '../identity/member.entity';
import { Conversation, pairKeyOf } from './conversation.entity';
import { ConversationErrors } from './conversation.errors';
import { MESSAGE_MAX_LENGTH, type ConversationsArgs, type MessagesArgs, type SendMessageInput } from './conversation.inputs';
import { Message } from './message.entity';
import { visibleToSql } from '../moderation/visibility';

const activityKey = (conversation: Conversation) => [conversation.lastMessageAt.toISOString(), conversation.id];
const messageKey = (message: Message) => [message.createdAt.toISOString(), message.id];

/** Where a message goes: an existing conversation, or the pair's conversation made on first write. */
interface Target {
  conversationId: string | null;
  recipientId: string;
}

function trimmedBody(raw: string): string {
  const body = raw.trim();
  if (!body) throw ConversationErrors.emptyBody();
  if (body.length > MESSAGE_MAX_LENGTH) throw ConversationErrors.bodyTooLong();
  return body;
}

/** One-to-one direct messages and read positions (blocks: BlockService). */
export class ConversationService {
  constructor(private readonly ctx: Context) {}

  /**
   * Writes a message (making the pair's conversation on the first one) in one transaction, then
   * emits MESSAGE_SENT. The sender's read position moves to the message and, if they had left, they are back.
   */
  async send(sender: Member, input: SendMessageInput): Promise<Message> {
    const body = trimmedBody(input.body);
    const target = await this.target(sender, input);
    if (await this.blockedBetween(sender.id, target.recipientId)) throw ConversationErrors.blocked();
    await this.ctx.rateLimits.consume('messagesPerMember', sender.id);
    const message = await this.ctx.em.transactional((em) => this.write(em as EntityManager, sender.id, target, body));
    this.ctx.events.emit('MESSAGE_SENT', {
      messageId: message.id,
      conversationId: message.conversation.id,
      senderId: sender.id,
      recipientId: target.recipientId,
    });
    return message;
  }

  /** A conversation the viewer takes part in and has not left; NOT_FOUND otherwise. */
  async get(viewer: Member, id: string): Promise<Conversation> {
    if (!isUUID(id)) throw ConversationErrors.conversationNotFound();
    const [row] = await this.ctx.em.execute<Record<string, unknown>[]>(
      `select c.* from conversation c join conversation_participant p on p.conversation_id = c.id
        where c.id = ? and p.member_id = ? and p.left_at is null`,
      [id, viewer.id],
    );
    if (!row) throw ConversationErrors.conversationNotFound();
    return readModel(this.ctx.em, Conversation)(row);
  }

  /** The viewer's conversations they have not left, newest activity first; keyset on (lastMessageAt, id). */
  async list(viewer: Member, { first, after }: ConversationsArgs): Promise<ConnectionShape<Conversation>> {
    const cursor = decodeKeyset(after);
    const rows = await this.ctx.em.execute<Record<string, unknown>[]>(
      `select c.* from conversation c join conversation_participant p on p.conversation_id = c.id
        where p.member_id = ? and p.left_at is null
          ${cursor ? 'and (c.last_message_at, c.id) < (?::timestamptz, ?::uuid)' : ''}
        order by c.last_message_at desc, c.id desc
        limit ?`,
      [viewer.id, ...(cursor ?? []), first + 1],
    );
    const conversations = rows.map(readModel(this.ctx.em, Conversation));
    return withTotalCount(toConnection(conversations, first, activityKey, after), () =>
      this.count('select count(*)::int as count from conversation_participant where member_id = ? and left_at is null', [viewer.id]),
    );
  }

  /**
   * Oldest first, read from the newest end: `last`/`before` scrolls back, `first`/`after` catches
   * up. The caller has checked access.
   */
  async messages(conversation: Conversation, args: MessagesArgs): Promise<ConnectionShape<Message>> {
    const page = pageDirection(args, 20);
    const keyset = chronologicalKeyset(page);
    // Hidden messages, and those of a suspended sender, are for their sender only (moderation/visibility).
    const visible = visibleToSql('message', 'sender_id', '?::timestamptz', '?::uuid');
    const visibleParams = [this.ctx.viewer?.id ?? null, this.ctx.clock.now()];
    const rows = await this.ctx.em.execute<Record<string, unknown>[]>(
      `select * from message where conversation_id = ? and ${visible} ${keyset.condition} order by ${keyset.orderBy} limit ?`,
      [conversation.id, ...visibleParams, ...keyset.params, keyset.limit],
    );
    const connection = toChronologicalConnection(rows.map(readModel(this.ctx.em, Message)), page, messageKey);
    return withTotalCount(connection, () => this.count(`select count(*)::int as count from message where conversation_id = ? and ${visible}`, [conversation.id, ...visibleParams]));
  }

  private async count(sql: string, params: unknown[]): Promise<number> {
    const [{ count }] = await this.ctx.em.execute<{ count: number }[]>(sql, params);
    return count;
  }

  async markRead(viewer: Member, id: string): Promise<Conversation> {
    const conversation = await this.get(viewer, id);
    await this.ctx.em.execute('update conversation_participant set last_read_at = ? where conversation_id = ? and member_id = ?', [
      this.ctx.clock.now(),
      conversation.id,
      viewer.id,
    ]);
    return conversation;
  }

  /**
   * For subscribers, checked again for every event: the message if the viewer is still in its
   * conversation (not left) and neither the viewer nor its sender has blocked the other.
   */
  async deliverable(viewer: Member, messageId: string, onlyConversationId: string | null = null): Promise<Message | null> {
    const [row] = await this.ctx.em.execute<Record<string, unknown>[]>(
      `select m.* from message m
         join conversation_participant p on p.conversation_id = m.conversation_id and p.member_id = ? and p.left_at is null
        where m.id = ? and not exists (select 1 from member_block b
          where (b.blocker_id = p.member_id and b.blocked_id = m.sender_id) or (b.blocker_id = m.sender_id and b.blocked_id = p.member_id))`,
      [viewer.id, messageId],
    );
    if (!row || (onlyConversationId && row.conversation_id !== onlyConversationId)) return null;
    return readModel(this.ctx.em, Message)(row);
  }

  private async blockedBetween(a: string, b: string): Promise<boolean> {
    const rows = await this.ctx.em.execute(
      'select 1 from member_block where (blocker_id = ? and blocked_id = ?) or (blocker_id = ? and blocked_id = ?) limit 1',
      [a, b, b, a],
    );
    return rows.length > 0;
  }

  /** An existing member other than the viewer (NOT_FOUND / BAD_USER_INPUT naming `field`). */
  private async otherMember(viewer: Member, memberId: string, field: string): Promise<Member> {
    if (memberId === viewer.id) throw ConversationErrors.toYourself(field);
    const member = isUUID(memberId) ? await this.ctx.loaders.memberById.load(memberId) : null;
    if (!member) throw ConversationErrors.recipientNotFound();
    return member;
  }

  private async target(sender: Member, { recipientId, conversationId }: SendMessageInput): Promise<Target> {
    if (!recipientId === !conversationId) throw ConversationErrors.oneTarget();
    if (recipientId) return { conversationId: null, recipientId: (await this.otherMember(sender, recipientId, 'recipientId')).id };
    // A participant who left may still write: the message brings them back.
    const rows = isUUID(conversationId!)
      ? await this.ctx.em.execute<{ member_id: string }[]>('select member_id from conversation_participant where conversation_id = ?', [conversationId])
      : [];
    const other = rows.find((row) => row.member_id !== sender.id);
    if (!other || !rows.some((row) => row.member_id === sender.id)) throw ConversationErrors.conversationNotFound();
    return { conversationId: conversationId!, recipientId: other.member_id };
  }

  private async write(em: EntityManager, senderId: string, target: Target, body: string): Promise<Message> {
    const now = this.ctx.clock.now();
    const conversationId = target.conversationId ?? (await this.pairConversation(em, senderId, target.recipientId, now));
    const message = em.create(Message, { conversation: conversationId, sender: senderId, body, createdAt: now });
    await em.flush();
    await em.execute('update conversation set last_message_at = ? where id = ?', [now, conversationId]);
    await em.execute('update conversation_participant set last_read_at = ?, left_at = null where conversation_id = ? and member_id = ?', [
      now,
      conversationId,
      senderId,
    ]);
    return message;
  }

  /**
   * The pair's conversation, made if missing. When both write first at once, the second insert
   * waits on the unique pairKey, does nothing, and the select then sees the first one's row.
   */
  private async pairConversation(em: EntityManager, a: string, b: string, now: Date): Promise<string> {
    const pairKey = pairKeyOf(a, b);
    await em.execute(
      'insert into conversation (id, pair_key, created_at, last_message_at) values (?, ?, ?, ?) on conflict (pair_key) do nothing',
      [randomUUID(), pairKey, now, now],
    );
    const [{ id }] = await em.execute<{ id: string }[]>('select id from conversation where pair_key = ?', [pairKey]);
    await em.execute('insert into conversation_participant (conversation_id, member_id) values (?, ?), (?, ?) on conflict do nothing', [
      id,
      a,
      id,
      b,
    ]);
    return id;
  }
}
