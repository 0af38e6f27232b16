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
import { requireViewer } from '../identity/authorization';
import type { Context } from '../../server/context';
import { Shareable } from '../../server/viewer-dependence';
import { Connection } from '../../server/pagination';
import { deliverChecked } from '../../server/subscriptions';
import { MemberRow } from '../identity/member.entity';
import { CommentRow } from './comment.entity';
import { AddCommentInput, CommentsArgs, EditCommentInput, RepliesArgs } from './content.inputs';
import { CommentService } from './comment.service';
import { moderationNoticeFor } from '../moderation/visibility';

const CommentConnection = Connection(CommentRow, 'Comment', {
  totalCount:
    'Top-level comments of the item (for `comments`) or replies of the comment (for `replies`) that the viewer may see, deleted ones included.',
});

@Resolver(() => CommentRow)
export class CommentResolver {
  @Authorized()
  @Query(() => CommentConnection, { description: 'Top-level comments of an item, oldest first, each with its replies.' })
  comments(@Args() args: CommentsArgs, @Ctx() ctx: Context) {
    return new CommentService(ctx).list(requireViewer(ctx), args);
  }

  @Authorized()
  @Mutation(() => CommentRow)
  addComment(@Arg('input') input: AddCommentInput, @Ctx() ctx: Context): Promise<CommentRow> {
    return new CommentService(ctx).add(requireViewer(ctx), input);
  }

  @Authorized()
  @Mutation(() => CommentRow)
  editComment(@Arg('input') input: EditCommentInput, @Ctx() ctx: Context): Promise<CommentRow> {
    return new CommentService(ctx).edit(requireViewer(ctx), input);
  }

  @Authorized()
  @Mutation(() => CommentRow, { description: 'Author or admin; the comment stays in its thread with a null body.' })
  deleteComment(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<CommentRow> {
    return new CommentService(ctx).delete(requireViewer(ctx), id);
  }

  @Subscription(() => CommentRow, {
    description: 'New comments and replies on one item.',
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, { contentId: string }, Context>) => {
      const viewer = requireViewer(context);
      // An item the viewer cannot see is NOT_FOUND, as for `comments`: not a subscription that stays silent.
      await new CommentService(context).assertMayFollow(viewer, args.contentId);
      return deliverChecked(context, context.pubSub.subscribe('COMMENT_ADDED', args.contentId), ({ commentId }, ctx) =>
        new CommentService(ctx).deliverable(viewer, commentId),
      );
    },
  })
  commentAdded(@Root() comment: CommentRow, @Arg('contentId', () => ID) contentId: string): CommentRow {
    void contentId;
    return comment;
  }

  @FieldResolver(() => MemberRow)
  @Shareable('loads the author by id; Member’s own fields decide what each viewer sees')
  async author(@Root() comment: CommentRow, @Ctx() ctx: Context): Promise<MemberRow> {
    return (await ctx.loaders.memberById.load(comment.author.id))!;
  }

  @FieldResolver(() => ID)
  contentId(@Root() comment: CommentRow): string {
    return comment.content.id;
  }

  @FieldResolver(() => ID, { nullable: true })
  parentId(@Root() comment: CommentRow): string | null {
    return comment.parent?.id ?? null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'For its author and moderators: why other members cannot see this comment (hidden by the moderators, or its author suspended); null otherwise.',
  })
  moderationNotice(@Root() comment: CommentRow, @Ctx() ctx: Context): Promise<string | null> {
    return moderationNoticeFor(comment, comment.author.id, ctx);
  }

  @FieldResolver(() => CommentConnection, {
    description:
      'Replies the viewer may see, oldest first (none for a reply): hidden ones and those of suspended members only for their author and moderators.',
  })
  replies(@Root() comment: CommentRow, @Args() args: RepliesArgs, @Ctx() ctx: Context) {
    return new CommentService(ctx).replies(comment, args);
  }
}
