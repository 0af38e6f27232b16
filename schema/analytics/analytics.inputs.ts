import { IsOptional, Max, MaxLength, Min } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';
import { ContentType } from '../content/content.entity';
import { PageArgs } from '../../server/pagination';
import { Role } from '../identity/member.entity';
import { ReachGroupBy, ReachOrderBy, TrendBucket } from './analytics.types';

@ArgsType()
export class WindowArgs {
  @Field({ description: 'Start of the window (inclusive).' })
  from!: Date;

  @Field({ description: 'End of the window (exclusive).' })
  to!: Date;
}

@ArgsType()
export class RevisitFrequencyArgs extends WindowArgs {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(120)
  company?: string | null;

  @Field(() => Role, { nullable: true })
  @IsOptional()
  role?: Role | null;
}

@ArgsType()
export class RevisitFrequencyTrendArgs extends WindowArgs {
  @Field(() => TrendBucket)
  bucket!: TrendBucket;

  @Field(() => Int, { defaultValue: 28 })
  @Min(1)
  @Max(366)
  windowDays!: number;
}

@ArgsType()
export class ContentReachArgs extends PageArgs {
  @Field()
  from!: Date;

  @Field()
  to!: Date;

  @Field(() => ReachGroupBy, { defaultValue: ReachGroupBy.ITEM })
  groupBy!: ReachGroupBy;

  @Field(() => ReachOrderBy, { defaultValue: ReachOrderBy.REACH_ASC })
  orderBy!: ReachOrderBy;

  @Field(() => ContentType, { nullable: true, description: 'Only items of this type.' })
  @IsOptional()
  type?: ContentType | null;

  @Field(() => String, { nullable: true, description: 'Only items on this theme.' })
  @IsOptional()
  @MaxLength(120)
  themeSlug?: string | null;
}

@ArgsType()
export class AtRiskMembersArgs extends PageArgs {
  @Field(() => Int, { defaultValue: 30 })
  @Min(1)
  @Max(3650)
  noVisitDays!: number;

  @Field(() => Int, { defaultValue: 60 })
  @Min(1)
  @Max(3650)
  noViewDays!: number;
}

@ArgsType()
export class CompanyEngagementArgs extends PageArgs {
  @Field()
  from!: Date;

  @Field()
  to!: Date;
}

@ArgsType()
export class MemberEngagementArgs extends WindowArgs {
  @Field(() => ID)
  memberId!: string;
}
