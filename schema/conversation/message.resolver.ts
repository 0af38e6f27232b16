import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { requireViewer } from '../identity/authorization';
import type { Context } from '../../server/context';
import { Shareable } from '../../server/viewer-dependence';
import { deliverChecked } from '../../server/subscriptions';
import { Member } from '../identity/member.entity';
import { SendMessageInput } from './conversation.inputs';
import { ConversationService } from './conversation.service';
import { Message } from './message.entity';
import { moderationNoticeFor } from '../moderation/visibility';

@Resolver(() => Message)
export class MessageResolver {
  @Authorized()
  @Mutation(() => Message, { description: 'Starts the conversation on a first message to recipientId.' })
  sendMessage(@Arg('input') input: SendMessageInput, @Ctx() ctx: Context): Promise<Message> {
    return new ConversationService(ctx).send(requireViewer(ctx), input);
  }

  @Subscription(() => Message, {
    description: 'New messages in the viewer’s conversations (one of them when conversationId is given).',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { conversationId?: string | null }, Context>) => {
      const viewer = requireViewer(context);
      return deliverChecked(context, context.pubSub.subscribe('MESSAGE_ADDED', viewer.id), ({ messageId }, ctx) =>
        new ConversationService(ctx).deliverable(viewer, messageId, args.conversationId ?? null),
      );
    },
  })
  messageAdded(@Root() message: Message, @Arg('conversationId', () => ID, { nullable: true }) conversationId: string | null): Message {
    void conversationId;
    return message;
  }

  @FieldResolver(() => Member)
  @Shareable('loads the sender by id; Member’s own fields decide what each viewer sees')
  async sender(@Root() message: Message, @Ctx() ctx: Context): Promise<Member> {
    return (await ctx.loaders.memberById.load(message.sender.id))!;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'For its sender and moderators: why the other member cannot see this message (hidden by the moderators, or its sender suspended); null otherwise.',
  })
  moderationNotice(@Root() message: Message, @Ctx() ctx: Context): Promise<string | null> {
    return moderationNoticeFor(message, message.sender.id, ctx);
  }

  @FieldResolver(() => ID)
  conversationId(@Root() message: Message): string {
    return message.conversation.id;
  }
}
