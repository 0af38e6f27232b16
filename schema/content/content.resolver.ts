import type { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Info,
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
import { MemberRow, Role } from '../identity/member.entity';
import { ContentRow } from './content.entity';
import { CreateContentInput, FeedArgs, UpdateContentInput } from './content.inputs';
import { feedSelection } from './content.queries';
import { ContentService, embeddedAuthor } from './content.service';
import { ThemeRow } from './theme.entity';
import { moderationNoticeFor } from '../moderation/visibility';

const ContentConnection = Connection(ContentRow);

@Resolver(() => ContentRow)
export class ContentResolver {
  @Authorized()
  @Query(() => ContentConnection, { description: 'Published items, newest first.' })
  feed(@Args() args: FeedArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return new ContentService(ctx).feed(requireViewer(ctx), args, feedSelection(info));
  }

  @Authorized()
  @Query(() => ContentRow, {
    nullable: true,
    description: 'Null with a NOT_FOUND error when it does not exist or the viewer may not see it; the rest of the request still answers.',
  })
  content(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ContentRow> {
    return new ContentService(ctx).get(requireViewer(ctx), id);
  }

  @Authorized(Role.ADMIN, Role.SPEAKER)
  @Mutation(() => ContentRow, { description: 'Creates a draft.' })
  createContent(@Arg('input') input: CreateContentInput, @Ctx() ctx: Context): Promise<ContentRow> {
    return new ContentService(ctx).create(requireViewer(ctx), input);
  }

  @Authorized(Role.ADMIN, Role.SPEAKER)
  @Mutation(() => ContentRow)
  updateContent(@Arg('input') input: UpdateContentInput, @Ctx() ctx: Context): Promise<ContentRow> {
    return new ContentService(ctx).update(requireViewer(ctx), input);
  }

  @Authorized(Role.ADMIN, Role.SPEAKER)
  @Mutation(() => ContentRow)
  publishContent(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ContentRow> {
    return new ContentService(ctx).publish(requireViewer(ctx), id);
  }

  @Authorized(Role.ADMIN, Role.SPEAKER)
  @Mutation(() => ContentRow)
  archiveContent(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ContentRow> {
    return new ContentService(ctx).archive(requireViewer(ctx), id);
  }

  @Subscription(() => ContentRow, {
    description: 'Items as they are published; only those on `themeSlug` when given.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { themeSlug?: string | null }, Context>) => {
      requireViewer(context);
      const themeSlug = args.themeSlug ?? null;
      return deliverChecked(
        context,
        context.pubSub.subscribe('CONTENT_PUBLISHED'),
        ({ contentId }, ctx) => new ContentService(ctx).publishedOnTheme(contentId, themeSlug),
        // Published items are visible to every member: one check per event and theme filter.
        `contentPublished:${themeSlug ?? ''}`,
      );
    },
  })
  contentPublished(@Root() content: ContentRow, @Arg('themeSlug', () => String, { nullable: true }) themeSlug: string | null): ContentRow {
    void themeSlug;
    return content;
  }

  // Both read what a feed page primed without a promise when they can (see PeekableLoader).
  @FieldResolver(() => [ThemeRow])
  @Shareable('an item’s themes are the same for everyone')
  themes(@Root() content: ContentRow, @Ctx() ctx: Context): ThemeRow[] | Promise<ThemeRow[]> {
    const { themesByContentId } = ctx.loaders;
    return themesByContentId.peek(content.id) ?? themesByContentId.load(content.id);
  }

  @FieldResolver(() => MemberRow)
  @Shareable('loads the author by id; what of the author each viewer may see is decided by Member’s own fields')
  author(@Root() content: ContentRow, @Ctx() ctx: Context): MemberRow | Promise<MemberRow> {
    const embedded = embeddedAuthor(content);
    if (embedded) return embedded;
    const { memberById } = ctx.loaders;
    return memberById.peek(content.author.id) ?? memberById.load(content.author.id).then((author) => author!);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'For its author and moderators: why other members cannot see this item (hidden by the moderators, or its author suspended); null otherwise.',
  })
  moderationNotice(@Root() content: ContentRow, @Ctx() ctx: Context): Promise<string | null> {
    return moderationNoticeFor(content, content.author.id, ctx);
  }

  @FieldResolver(() => Boolean, { description: 'Whether the viewer has viewed this item.' })
  seenByMe(@Root() content: ContentRow, @Ctx() ctx: Context): boolean | Promise<boolean> {
    // A feed page primes it for its items: the page then completes without a promise per item.
    const { seenByMe } = ctx.loaders;
    return seenByMe.peek(content.id) ?? seenByMe.load(content.id);
  }
}
