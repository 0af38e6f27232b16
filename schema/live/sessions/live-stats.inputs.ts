import { ArgsType, Field, ID } from 'type-graphql';

@ArgsType()
export class LiveSessionStatsArgs {
  @Field(() => ID)
  sessionId!: string;
}

@ArgsType()
export class LiveSessionsSummaryArgs {
  @Field({ description: 'Sessions starting at or after this instant.' })
  from!: Date;

  @Field({ description: 'Sessions starting before this instant (exclusive).' })
  to!: Date;
}
