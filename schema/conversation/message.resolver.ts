import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { requireViewer } from '../identity/authorization';
import type { Context } from '../../server/context';
import { Shareable } from '../../server/viewer-dependence';
import { deliverChecked } from '../../server/subscriptions';
import { MemberRow } from '../identity/member.entity';
import { SendMessageInput } from './conversation.inputs';
import { ConversationService } from './conversation.service';
import { MessageRow } from './message.entity';
import { moderationNoticeFor } from '../moderation/visibility';

@Resolver(() => MessageRow)
export class MessageResolver {
  @Authorized()
  @Mutation(() => MessageRow, { description: 'Starts the conversation on a first message to recipientId.' })
  sendMessage(@Arg('input') input: SendMessageInput, @Ctx() ctx: Context): Promise<MessageRow> {
    return new ConversationService(ctx).send(requireViewer(ctx), input);
  }

  @Subscription(() => MessageRow, {
    description: 'New messages in the viewer’s conversations (one of them when conversationId is given).',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { conversationId?: string | null }, Context>) => {
      const viewer = requireViewer(context);
      return deliverChecked(context, context.pubSub.subscribe('MESSAGE_ADDED', viewer.id), ({ messageId }, ctx) =>
        new ConversationService(ctx).deliverable(viewer, messageId, args.conversationId ?? null),
      );
    },
  })
  messageAdded(
    @Root() message: MessageRow,
    @Arg('conversationId', () => ID, { nullable: true }) conversationId: string | null,
  ): MessageRow {
    void conversationId;
    return message;
  }

  @FieldResolver(() => MemberRow)
  @Shareable('loads the sender by id; Member’s own fields decide what each viewer sees')
  async sender(@Root() message: MessageRow, @Ctx() ctx: Context): Promise<MemberRow> {
    return (await ctx.loaders.memberById.load(message.sender.id))!;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'For its sender and moderators: why the other member cannot see this message (hidden by the moderators, or its sender suspended); null otherwise.',
  })
  moderationNotice(@Root() message: MessageRow, @Ctx() ctx: Context): Promise<string | null> {
    return moderationNoticeFor(message, message.sender.id, ctx);
  }

  @FieldResolver(() => ID)
  conversationId(@Root() message: MessageRow): string {
    return message.conversation.id;
  }
}
