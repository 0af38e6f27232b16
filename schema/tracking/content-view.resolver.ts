import { Arg, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import { requireViewer } from '../identity/authorization';
import type { Context } from '../../server/context';
import { ContentRow } from '../content/content.entity';
import { ContentViewService } from './content-view.service';
import { RecordContentViewInput, RecordContentViewsInput } from './tracking.inputs';

@ObjectType({ simpleResolvers: true, description: 'The state of the viewer’s current view of an item after a call.' })
export class RecordedContentView {
  @Field(() => ID)
  contentId!: string;

  @Field(() => Int, { description: 'Seconds credited to this view so far (capped by real elapsed time).' })
  totalSeconds!: number;

  @Field()
  firstSeenAt!: Date;

  @Field({ description: 'True when this call started a new view (the first call of a visit).' })
  newView!: boolean;

  /** The item as the write left it (see `content`). */
  item!: ContentRow;
}

@Resolver(() => RecordedContentView)
export class ContentViewResolver {
  @Authorized()
  @Mutation(() => RecordedContentView, {
    description: 'Call when the member opens an item, then as a heartbeat while they read or watch.',
  })
  recordContentView(@Arg('input') input: RecordContentViewInput, @Ctx() ctx: Context): Promise<RecordedContentView> {
    return new ContentViewService(ctx).record(requireViewer(ctx), input);
  }

  @Authorized()
  @Mutation(() => [RecordedContentView], {
    description:
      'recordContentView for several items at once: a client buffers its heartbeats and sends them every few seconds. ' +
      'Each result (in input order) is returned after its view is committed.',
  })
  recordContentViews(@Arg('input') input: RecordContentViewsInput, @Ctx() ctx: Context): Promise<RecordedContentView[]> {
    return new ContentViewService(ctx).recordMany(requireViewer(ctx), input.views);
  }

  @FieldResolver(() => ContentRow, {
    description:
      'The item, read after the view was committed: its `seenByMe` and `viewCount` are current, so a normalized client cache updates.',
  })
  content(@Root() view: RecordedContentView): ContentRow {
    // The writer's statement hands the item back as of the commit: no second read.
    return view.item;
  }
}
