import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LocalDateScalar } from '../../server/scalars';
import { MemberRow } from '../identity/member.entity';

@ObjectType({
  simpleResolvers: true,
  description: 'Members per revisit band (PRODUCT.md: DAILY ≤ 1.5 days, WEEKLY ≤ 7, MONTHLY ≤ 30, RARE > 30).',
})
export class RevisitBands {
  @Field(() => Int) daily!: number;
  @Field(() => Int) weekly!: number;
  @Field(() => Int) monthly!: number;
  @Field(() => Int) rare!: number;
  @Field(() => Int, { description: 'Exactly one visit day in the window.' }) oneVisit!: number;
  @Field(() => Int, { description: 'No visit in the window.' }) noVisit!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Community revisit frequency over a window: how often members come back, in days.' })
export class RevisitFrequency {
  @Field(() => Float, { nullable: true, description: 'Mean of the member revisit intervals; null when no member has two visit days.' })
  meanDays!: number | null;

  @Field(() => Float, { nullable: true })
  medianDays!: number | null;

  @Field(() => Int, { description: 'Members with at least two visit days (an interval is defined).' })
  membersMeasured!: number;

  @Field(() => RevisitBands)
  bands!: RevisitBands;
}

@ObjectType({ simpleResolvers: true })
export class RevisitFrequencyPoint extends RevisitFrequency {
  @Field({ description: 'The end of the trailing window this point measures (exclusive).' })
  at!: Date;
}

export enum TrendBucket {
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}
registerEnumType(TrendBucket, { name: 'TrendBucket' });

export enum ReachGroupBy {
  ITEM = 'ITEM',
  TYPE = 'TYPE',
  THEME = 'THEME',
}
registerEnumType(ReachGroupBy, { name: 'ReachGroupBy' });

export enum ReachOrderBy {
  REACH_ASC = 'REACH_ASC',
  REACH_DESC = 'REACH_DESC',
  VIEWS = 'VIEWS',
  UNIQUE_VIEWERS = 'UNIQUE_VIEWERS',
  NEWEST = 'NEWEST',
}
registerEnumType(ReachOrderBy, {
  name: 'ReachOrderBy',
  valuesConfig: {
    REACH_ASC: { description: 'Least seen first (ties: newest first): what to push next.' },
    UNIQUE_VIEWERS: { description: 'Most unique viewers first.' },
    NEWEST: { description: 'Latest publication first (a group: its latest item).' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'Reach of an item, or of the items of a type or theme (sums over its items).' })
export class ContentReachRow {
  @Field({ description: 'Item id, type name or theme slug.' }) key!: string;
  @Field({ description: 'Item title, type name or theme name.' }) label!: string;
  @Field(() => Int) items!: number;
  @Field(() => Int) views!: number;
  @Field(() => Int) uniqueViewers!: number;
  @Field(() => Int, { description: 'Members with a visit since the item was published (summed per item for a group).' })
  eligibleMembers!: number;
  @Field(() => Float, { description: 'uniqueViewers / eligibleMembers, 0..1 (0 when nobody was eligible).' }) reach!: number;
  @Field(() => Float, { nullable: true }) meanSecondsViewed!: number | null;
  @Field({ description: 'Publication of the item; of the latest item for a group.' }) publishedAt!: Date;
  /** The item's id for ITEM rows (its `content` field), null for groups. */
  itemId!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class AtRiskMember {
  @Field(() => MemberRow) member!: MemberRow;
  @Field(() => Date, { nullable: true }) lastVisitAt!: Date | null;
  @Field(() => Date, { nullable: true }) lastViewAt!: Date | null;
  @Field(() => LocalDateScalar, { nullable: true }) renewalDate!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'One company (account) over a window.' })
export class CompanyEngagement {
  @Field() company!: string;
  @Field(() => Int) members!: number;
  @Field(() => Int, { description: 'Members with at least one visit day in the window.' }) activeMembers!: number;
  @Field(() => Float, { nullable: true }) revisitMeanDays!: number | null;
  @Field(() => Float, { nullable: true }) revisitMedianDays!: number | null;
  @Field(() => Float, {
    description: "Unique viewers among the company's members / its eligible members, over the items published in the window.",
  })
  contentReach!: number;
  @Field(() => Int, { description: 'Members at risk at the end of the window (30 days without visit, 60 without view).' })
  atRiskMembers!: number;
}

@ObjectType({ simpleResolvers: true })
export class ThemeViews {
  @Field() slug!: string;
  @Field() name!: string;
  @Field(() => Int) views!: number;
}

@ObjectType({ simpleResolvers: true, description: 'One calendar day (community time zone) of a member’s activity.' })
export class MemberActivityDay {
  @Field(() => LocalDateScalar) day!: string;
  @Field(() => Int, { description: 'Visits that touched the day.' }) visits!: number;
  @Field(() => Int, { description: 'Content views that began on the day.' }) views!: number;
}

@ObjectType({ simpleResolvers: true, description: 'One member over a window.' })
export class MemberEngagement {
  @Field(() => Int) visits!: number;
  @Field(() => Int) visitDays!: number;
  @Field(() => Float, { nullable: true, description: 'Null with fewer than two visit days.' }) revisitIntervalDays!: number | null;
  @Field(() => Date, { nullable: true }) lastVisitAt!: Date | null;
  @Field(() => Int) itemsSeen!: number;
  @Field(() => [ThemeViews], { description: 'The themes of the items they viewed most (up to 5).' }) topThemes!: ThemeViews[];
}
