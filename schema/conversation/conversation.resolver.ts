import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireViewer } from '../identity/authorization';
import type { Context } from '../../server/context';
import { Connection } from '../../server/pagination';
import { MemberRow } from '../identity/member.entity';
import { ConversationRow } from './conversation.entity';
import { ConversationsArgs, MessagesArgs } from './conversation.inputs';
import { ConversationService } from './conversation.service';
import { MessageRow } from './message.entity';

const ConversationConnection = Connection(ConversationRow, 'Conversation', {
  totalCount: 'Conversations the viewer takes part in (not left).',
});
const MessageConnection = Connection(MessageRow, 'Message', { totalCount: 'Messages in the conversation.' });

/** Conversations, read positions and blocks. Messages themselves (send, live, fields) are in MessageResolver. */
@Resolver(() => ConversationRow)
export class ConversationResolver {
  @Authorized()
  @Query(() => ConversationConnection, { description: 'The viewer’s conversations, newest activity first.' })
  conversations(@Args() args: ConversationsArgs, @Ctx() ctx: Context) {
    return new ConversationService(ctx).list(requireViewer(ctx), args);
  }

  @Authorized()
  @Query(() => ConversationRow, {
    nullable: true,
    description: 'Null with a NOT_FOUND error when it does not exist or the viewer may not see it; the rest of the request still answers.',
  })
  conversation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ConversationRow> {
    return new ConversationService(ctx).get(requireViewer(ctx), id);
  }

  @Authorized()
  @Mutation(() => ConversationRow, { description: 'Marks every message of the conversation read for the viewer.' })
  markConversationRead(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ConversationRow> {
    return new ConversationService(ctx).markRead(requireViewer(ctx), id);
  }

  @FieldResolver(() => MemberRow)
  async otherMember(@Root() conversation: ConversationRow, @Ctx() ctx: Context): Promise<MemberRow> {
    const memberId = await ctx.loaders.otherMemberIdByConversationId.load(conversation.id);
    return (await ctx.loaders.memberById.load(memberId!))!;
  }

  @FieldResolver(() => MessageRow, { nullable: true, description: 'The newest of `messages`: the newest message the viewer may see.' })
  lastMessage(@Root() conversation: ConversationRow, @Ctx() ctx: Context): Promise<MessageRow | null> {
    return new ConversationService(ctx).lastMessage(conversation);
  }

  @FieldResolver(() => Int, { description: 'Messages from the other member since the viewer last read (those `messages` lists).' })
  unreadCount(@Root() conversation: ConversationRow, @Ctx() ctx: Context): Promise<number> {
    return new ConversationService(ctx).unreadCount(conversation);
  }

  @FieldResolver(() => MessageConnection, {
    description:
      'Oldest first, from the newest end: `last` (default 20) and `before` (the startCursor shown) scroll back; `first`/`after` catch up.',
  })
  messages(@Root() conversation: ConversationRow, @Args() args: MessagesArgs, @Ctx() ctx: Context) {
    return new ConversationService(ctx).messages(conversation, args);
  }
}
