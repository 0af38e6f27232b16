import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { requireViewer } from '../../identity/authorization';
import type { Context } from '../../../server/context';
import { Shareable } from '../../../server/viewer-dependence';
import { Connection } from '../../../server/pagination';
import { deliverChecked } from '../../../server/subscriptions';
import { MemberRow } from '../../identity/member.entity';
import { SessionChatMessage, SessionChatMessageRow } from './session-chat-message.entity';
import { SendSessionChatMessageArgs, SessionChatMessagesArgs } from './session-chat.inputs';
import { SessionChatService } from './session-chat.service';

const SessionChatMessageConnection = Connection(SessionChatMessageRow, 'SessionChatMessage', {
  totalCount: 'Messages in the session’s chat.',
});

/** A live session's chat, for its registrants, speakers and admins. */
@Resolver(() => SessionChatMessageRow)
export class SessionChatResolver {
  @Authorized()
  @Mutation(() => SessionChatMessageRow, {
    description:
      'Writes in the session’s chat, open with its room (15 minutes before the start; hosts earlier) until it ends or is cancelled. Rate limited.',
  })
  sendSessionChatMessage(@Args() args: SendSessionChatMessageArgs, @Ctx() ctx: Context): Promise<SessionChatMessageRow> {
    return new SessionChatService(ctx).send(requireViewer(ctx), args);
  }

  @Authorized()
  @Query(() => SessionChatMessageConnection, {
    description:
      'The session’s chat, oldest first, from the newest end: `last` (default 50) and `before` (the startCursor shown) scroll back; `first`/`after` catch up.',
  })
  sessionChatMessages(@Args() args: SessionChatMessagesArgs, @Ctx() ctx: Context) {
    return new SessionChatService(ctx).history(requireViewer(ctx), args);
  }

  @Subscription(() => SessionChatMessageRow, {
    description: 'New messages in the session’s chat, while the viewer takes part in the session.',
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, { sessionId: string }, Context>) => {
      const viewer = requireViewer(context);
      await new SessionChatService(context).assertMayFollow(viewer, args.sessionId);
      return deliverChecked(context, context.pubSub.subscribe('SESSION_CHAT_MESSAGE_ADDED', args.sessionId), ({ messageId }, ctx) =>
        new SessionChatService(ctx).deliverable(viewer, messageId, args.sessionId),
      );
    },
  })
  sessionChatMessageAdded(@Root() message: SessionChatMessageRow, @Arg('sessionId', () => ID) sessionId: string): SessionChatMessage {
    void sessionId;
    return message;
  }

  @FieldResolver(() => MemberRow)
  @Shareable('loads the author by id; Member’s own fields decide what each viewer sees')
  async author(@Root() message: SessionChatMessageRow, @Ctx() ctx: Context): Promise<MemberRow> {
    return (await ctx.loaders.memberById.load(message.authorId))!;
  }
}
