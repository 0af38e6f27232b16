import { ArrayMaxSize, Max, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { ViewSource } from './content-view.entity';

/** recordContentViews takes at most this many views per call. */
export const MAX_VIEWS_PER_CALL = 100;

/** A heartbeat may credit at most this much, and never more than the time since the previous one. */
export const MAX_HEARTBEAT_SECONDS = 3600;

@ArgsType()
export class MemberVisitsArgs {
  @Field(() => ID)
  memberId!: string;

  @Field()
  from!: Date;

  @Field()
  to!: Date;
}

@InputType()
export class RecordContentViewInput {
  @Field(() => ID)
  contentId!: string;

  @Field(() => Int, { description: 'Seconds viewed since the previous call for this item (0 when opening it).' })
  @Min(0)
  @Max(MAX_HEARTBEAT_SECONDS)
  seconds!: number;

  @Field(() => ViewSource, { defaultValue: ViewSource.DIRECT })
  source!: ViewSource;
}

@InputType()
export class RecordContentViewsInput {
  @Field(() => [RecordContentViewInput], {
    description: `The views buffered since the previous call (at most ${MAX_VIEWS_PER_CALL}); entries for one item add up.`,
  })
  @ArrayMaxSize(MAX_VIEWS_PER_CALL)
  @ValidateNested({ each: true })
  views!: RecordContentViewInput[];
}
