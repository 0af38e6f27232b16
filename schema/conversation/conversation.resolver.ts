import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireViewer } from '../identity/authorization';
import type { Context } from '../../server/context';
import { Connection } from '../../server/pagination';
import { Member } from '../identity/member.entity';
import { Conversation } from './conversation.entity';
import { ConversationsArgs, MessagesArgs } from './conversation.inputs';
import { ConversationService } from './conversation.service';
import { Message } from './message.entity';

const ConversationConnection = Connection(Conversation, 'Conversation', {
  totalCount: 'Conversations the viewer takes part in (not left).',
});
const MessageConnection = Connection(Message, 'Message', { totalCount: 'Messages in the conversation.' });

/** Conversations, read positions and blocks. Messages themselves (send, live, fields) are in MessageResolver. */
@Resolver(() => Conversation)
export class ConversationResolver {
  @Authorized()
  @Query(() => ConversationConnection, { description: 'The viewer’s conversations, newest activity first.' })
  conversations(@Args() args: ConversationsArgs, @Ctx() ctx: Context) {
    return new ConversationService(ctx).list(requireViewer(ctx), args);
  }

  @Authorized()
  @Query(() => Conversation, {
    nullable: true,
    description: 'Null with a NOT_FOUND error when it does not exist or the viewer may not see it; the rest of the request still answers.',
  })
  conversation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Conversation> {
    return new ConversationService(ctx).get(requireViewer(ctx), id);
  }

  @Authorized()
  @Mutation(() => Conversation, { description: 'Marks every message of the conversation read for the viewer.' })
  markConversationRead(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Conversation> {
    return new ConversationService(ctx).markRead(requireViewer(ctx), id);
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

  @FieldResolver(() => MessageConnection, {
    description:
      'Oldest first, from the newest end: `last` (default 20) and `before` (the startCursor shown) scroll back; `first`/`after` catch up.',
  })
  messages(@Root() conversation: Conversation, @Args() args: MessagesArgs, @Ctx() ctx: Context) {
    return new ConversationService(ctx).messages(conversation, args);
  }
}
