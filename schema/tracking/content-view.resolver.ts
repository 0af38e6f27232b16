import { Arg, Authorized, Ctx, Field, ID, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import { requireViewer } from '../../server/auth';
import type { Context } from '../../server/context';
import { ContentViewService } from './content-view.service';
import { RecordContentViewInput } from './tracking.inputs';

@ObjectType({ description: 'The state of the viewer’s current view of an item after a call.' })
export class RecordedContentView {
  @Field(() => ID)
  contentId!: string;

  @Field(() => Int, { description: 'Seconds credited to this view so far (capped by real elapsed time).' })
  totalSeconds!: number;

  @Field()
  firstSeenAt!: Date;

  @Field({ description: 'True when this call started a new view (the first call of a visit).' })
  newView!: boolean;
}

@Resolver()
export class ContentViewResolver {
  @Authorized()
  @Mutation(() => RecordedContentView, {
    description: 'Call when the member opens an item, then as a heartbeat while they read or watch.',
  })
  recordContentView(@Arg('input') input: RecordContentViewInput, @Ctx() ctx: Context): Promise<RecordedContentView> {
    return new ContentViewService(ctx).record(requireViewer(ctx), input);
  }
}
