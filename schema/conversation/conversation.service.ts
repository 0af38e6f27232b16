import { randomUUID } from 'node:crypto';
import { isUUID } from 'class-validator';
import type { EntityManager } from '@mikro-orm/postgresql';
import { characterCount, hasVisibleText } from '../../server/text';
import type { Context } from '../../server/context';
import { pageDirection, toChronologicalConnection, toConnection, withTotalCount, type ConnectionShape } from '../../server/pagination';
import type { MemberRow } from '../identity/member.entity';
import { isSuspended } from '../moderation/visibility';
import { Conversation, ConversationRow, pairKeyOf } from './conversation.entity';
import { ConversationErrors } from './conversation.errors';
import { MESSAGE_MAX_LENGTH, type ConversationsArgs, type MessagesArgs, type SendMessageInput } from './conversation.inputs';
import { Message, MessageRow } from './message.entity';
import {
  blockedBetween,
  conversationIdOfPair,
  conversationPage,
  deliverableMessage,
  joinedConversation,
  messagePage,
  participantIds,
} from './conversation.queries';

const activityKey = (conversation: Conversation) => [conversation.lastMessageAt.toISOString(), conversation.id];
const messageKey = (message: MessageRow) => [message.createdAt.toISOString(), message.id];

/** Where a message goes: an existing conversation, or the pair's conversation made on first write. */
interface Target {
  conversationId: string | null;
  recipientId: string;
}

function trimmedBody(raw: string): string {
  const body = raw.trim();
  if (!hasVisibleText(body)) throw ConversationErrors.emptyBody();
  if (characterCount(body) > MESSAGE_MAX_LENGTH) throw ConversationErrors.bodyTooLong();
  return body;
}

export type ConversationServiceDeps = Pick<Context, 'clock' | 'em' | 'events' | 'loaders' | 'rateLimits' | 'viewer'>;

/** One-to-one direct messages and read positions (blocks: BlockService). */
export class ConversationService {
  constructor(private readonly ctx: ConversationServiceDeps) {}

  /**
   * Writes a message (making the pair's conversation on the first one) in one transaction, then
   * emits MESSAGE_SENT. The sender's read position moves to the message and, if they had left, they are back.
   */
  async send(sender: MemberRow, input: SendMessageInput): Promise<Message> {
    const body = trimmedBody(input.body);
    const target = await this.target(sender, input);
    if (await blockedBetween(this.ctx.em, sender.id, target.recipientId)) throw ConversationErrors.blocked();
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
  async get(viewer: MemberRow, id: string): Promise<Conversation> {
    const conversation = isUUID(id) ? await joinedConversation(this.ctx.em, viewer.id, id) : null;
    if (!conversation) throw ConversationErrors.conversationNotFound();
    return conversation;
  }

  /** The viewer's conversations they have not left, newest activity first; keyset on (lastMessageAt, id). */
  async list(viewer: MemberRow, { first, after }: ConversationsArgs): Promise<ConnectionShape<Conversation>> {
    const page = await conversationPage(this.ctx.em, viewer.id, first, after);
    return withTotalCount(toConnection(page.items, first, activityKey, after), page.totalCount);
  }

  /**
   * Oldest first, read from the newest end: `last`/`before` scrolls back, `first`/`after` catches
   * up. The caller has checked access.
   */
  async messages(conversation: ConversationRow, args: MessagesArgs): Promise<ConnectionShape<MessageRow>> {
    const direction = pageDirection(args, 20);
    const page = await messagePage(this.ctx.em, conversation.id, direction, this.ctx.viewer?.id ?? null, this.ctx.clock.now());
    return withTotalCount(toChronologicalConnection(page.items, direction, messageKey), page.totalCount);
  }

  /**
   * The newest message the viewer may see, as `messages` lists them (moderation/visibility): their
   * own, or the other member's unless the moderators hid it or its sender is suspended now.
   */
  async lastMessage(conversation: ConversationRow): Promise<MessageRow | null> {
    const { own, other, otherSuspendedUntil } = await this.ctx.loaders.lastMessagesByConversationId.load(conversation.id);
    const visible = other && !isSuspended({ suspendedUntil: otherSuspendedUntil }, this.ctx.clock.now()) ? other : null;
    if (!own || !visible) return own ?? visible;
    const byTime = own.createdAt.getTime() - visible.createdAt.getTime();
    return byTime > 0 || (byTime === 0 && own.id > visible.id) ? own : visible; // messages' order: (createdAt, id)
  }

  /** The other member's messages since the viewer last read, those `messages` lists: none while their sender is suspended. */
  async unreadCount(conversation: ConversationRow): Promise<number> {
    const { count, senderSuspendedUntil } = await this.ctx.loaders.unreadByConversationId.load(conversation.id);
    return isSuspended({ suspendedUntil: senderSuspendedUntil }, this.ctx.clock.now()) ? 0 : count;
  }

  async markRead(viewer: MemberRow, id: string): Promise<Conversation> {
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
  async deliverable(viewer: MemberRow, messageId: string, onlyConversationId: string | null = null): Promise<MessageRow | null> {
    const message = await deliverableMessage(this.ctx.em, viewer.id, messageId);
    if (!message || (onlyConversationId && message.conversation.id !== onlyConversationId)) return null;
    return message;
  }

  /** An existing member other than the viewer (NOT_FOUND / BAD_USER_INPUT naming `field`). */
  private async otherMember(viewer: MemberRow, memberId: string, field: string): Promise<MemberRow> {
    if (memberId === viewer.id) throw ConversationErrors.toYourself(field);
    const member = isUUID(memberId) ? await this.ctx.loaders.memberById.load(memberId) : null;
    if (!member) throw ConversationErrors.recipientNotFound();
    return member;
  }

  private async target(sender: MemberRow, { recipientId, conversationId }: SendMessageInput): Promise<Target> {
    if (!recipientId === !conversationId) throw ConversationErrors.oneTarget();
    if (recipientId) return { conversationId: null, recipientId: (await this.otherMember(sender, recipientId, 'recipientId')).id };
    // A participant who left may still write: the message brings them back.
    const participants = isUUID(conversationId!) ? await participantIds(this.ctx.em, conversationId!) : [];
    const other = participants.find((id) => id !== sender.id);
    if (!other || !participants.includes(sender.id)) throw ConversationErrors.conversationNotFound();
    return { conversationId: conversationId!, recipientId: other };
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
    const id = (await conversationIdOfPair(em, pairKey))!;
    await em.execute('insert into conversation_participant (conversation_id, member_id) values (?, ?), (?, ?) on conflict do nothing', [
      id,
      a,
      id,
      b,
    ]);
    return id;
  }
}
