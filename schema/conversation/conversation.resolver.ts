import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireViewer } from '../../server/auth';
import type { Context } from '../../server/context';
import { Connection } from '../../server/pagination';
import { Member } from '../identity/member.entity';
import { BlockService } from './block.service';
import { Conversation } from './conversation.entity';
import { ConversationsArgs, MessagesArgs } from './conversation.inputs';
import { ConversationService } from './conversation.service';
import { Message } from './message.entity';

const ConversationConnection = Connection(Conversation);
const MessageConnection = Connection(Message);

/** Conversations, read positions and blocks. Messages themselves (send, live, fields) are in MessageResolver. */
@Resolver(() => Conversation)
export class ConversationResolver {
  @Authorized()
  @Query(() => ConversationConnection, { description: 'The viewer’s conversations, newest activity first.' })
  conversations(@Args() args: ConversationsArgs, @Ctx() ctx: Context) {
    return new ConversationService(ctx).list(requireViewer(ctx), args);
  }

  @Authorized()
  @Query(() => Conversation)
  conversation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Conversation> {
    return new ConversationService(ctx).get(requireViewer(ctx), id);
  }

  @Authorized()
  @Mutation(() => Conversation, { description: 'Marks every message of the conversation read for the viewer.' })
  markConversationRead(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Conversation> {
    return new ConversationService(ctx).markRead(requireViewer(ctx), id);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'No messages either way until unblocked. Idempotent.' })
  blockMember(@Arg('memberId', () => ID) memberId: string, @Ctx() ctx: Context): Promise<boolean> {
    return new BlockService(ctx).block(requireViewer(ctx), memberId);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Idempotent.' })
  unblockMember(@Arg('memberId', () => ID) memberId: string, @Ctx() ctx: Context): Promise<boolean> {
    return new BlockService(ctx).unblock(requireViewer(ctx), memberId);
  }

  @FieldResolver(() => Member)
  async otherMember(@Root() conversation: Conversation, @Ctx() ctx: Context): Promise<Member> {
    const memberId = await ctx.loaders.otherMemberIdByConversationId.load(conversation.id);
    return (await ctx.loaders.memberById.load(memberId!))!;
  }

  @FieldResolver(() => Message, { nullable: true })
  lastMessage(@Root() conversation: Conversation, @Ctx() ctx: Context): Promise<Message | null> {
    return ctx.loaders.lastMessageByConversationId.load(conversation.id);
  }

  @FieldResolver(() => Int, { description: 'Messages from the other member since the viewer last read.' })
  unreadCount(@Root() conversation: Conversation, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.unreadCountByConversationId.load(conversation.id);
  }

  @FieldResolver(() => MessageConnection, { description: 'Newest first; pass the previous endCursor as `before` to scroll back.' })
  messages(@Root() conversation: Conversation, @Args() args: MessagesArgs, @Ctx() ctx: Context) {
    return new ConversationService(ctx).messages(conversation, args);
  }
}
