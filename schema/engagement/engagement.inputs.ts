import { ArrayMaxSize, IsIn, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import { TrendBucket } from '../analytics/analytics.types';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { RequiredText } from '../../server/validation';
import { Membership, Role } from '../identity/member.entity';
import { DEFAULT_HORIZON_DAYS, MAX_HORIZON_DAYS } from './lift';
import { EngagementTrigger } from './triggers';

@InputType({ description: 'Empty lists (the default) mean everybody.' })
export class EngagementAudienceInput {
  @Field(() => [Role])
  @ArrayMaxSize(10)
  roles: Role[] = [];

  @Field(() => [String], { description: 'Theme slugs.' })
  @ArrayMaxSize(50)
  @Matches(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { each: true, message: 'must be theme slugs' })
  themes: string[] = [];

  @Field(() => [Membership])
  @ArrayMaxSize(2)
  memberships: Membership[] = [];
}

/** The rule parameters, with their PRODUCT.md defaults and the bounds an admin may choose in. */
@InputType()
export class EngagementRuleFields {
  @Field()
  @RequiredText(120)
  name!: string;

  @Field(() => EngagementTrigger)
  @IsIn(Object.values(EngagementTrigger))
  trigger!: EngagementTrigger;

  @Field(() => Int, { defaultValue: 7 })
  @Min(1)
  @Max(365)
  inactivityDays: number = 7;

  @Field(() => Int, { defaultValue: 10 })
  @Min(1)
  @Max(365)
  everyDays: number = 10;

  @Field(() => Int, { defaultValue: 3 })
  @Min(1)
  @Max(100)
  minUnseen: number = 3;

  @Field(() => Int, { defaultValue: 6 })
  @Min(1)
  @Max(20)
  maxItems: number = 6;

  @Field(() => EngagementAudienceInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  audience?: EngagementAudienceInput | null;

  @Field(() => Int, { defaultValue: 10 })
  @Min(0)
  @Max(50)
  holdoutPercent: number = 10;
}

@InputType()
export class CreateEngagementRuleInput extends EngagementRuleFields {
  @Field({ defaultValue: false, description: 'Rules start disabled unless asked: preview first.' })
  enabled: boolean = false;
}

/** A change to an audience: each list given replaces that list, `null` empties it, an absent one stays. */
@InputType({ description: 'Each list given replaces that list (`null` or [] means no restriction); a list left out stays as it is.' })
export class EngagementAudienceChanges {
  @Field(() => [Role], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  roles?: Role[] | null;

  @Field(() => [String], { nullable: true, description: 'Theme slugs.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @Matches(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { each: true, message: 'must be theme slugs' })
  themes?: string[] | null;

  @Field(() => [Membership], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(2)
  memberships?: Membership[] | null;
}

/** A partial update: only the fields given change (`audience: null` makes the rule address everybody). */
@InputType({ description: 'Only the fields given change; a field left out keeps its value. `audience: null` addresses everybody.' })
export class UpdateEngagementRuleInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @RequiredText(120)
  name?: string | null;

  @Field(() => EngagementTrigger, { nullable: true })
  @IsOptional()
  @IsIn(Object.values(EngagementTrigger))
  trigger?: EngagementTrigger | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1)
  @Max(365)
  inactivityDays?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1)
  @Max(365)
  everyDays?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1)
  @Max(100)
  minUnseen?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1)
  @Max(20)
  maxItems?: number | null;

  @Field(() => EngagementAudienceChanges, { nullable: true })
  @IsOptional()
  @ValidateNested()
  audience?: EngagementAudienceChanges | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(50)
  holdoutPercent?: number | null;
}

@ArgsType()
export class PreviewEngagementRuleArgs {
  @Field(() => ID, { nullable: true, description: 'A saved rule; or give `input` for a rule not saved yet.' })
  id?: string | null;

  @Field(() => EngagementRuleFields, { nullable: true })
  @IsOptional()
  @ValidateNested()
  input?: EngagementRuleFields | null;

  @Field(() => Int, { defaultValue: 5 })
  @Min(0)
  @Max(50)
  sampleSize: number = 5;

  @Field(() => Int, { defaultValue: DEFAULT_HORIZON_DAYS, description: 'H of minimumDetectableLift, in days.' })
  @Min(1)
  @Max(MAX_HORIZON_DAYS)
  horizonDays: number = DEFAULT_HORIZON_DAYS;
}

@ArgsType()
export class EngagementRuleStatsArgs {
  @Field(() => ID)
  ruleId!: string;

  @Field()
  from!: Date;

  @Field()
  to!: Date;

  @Field(() => Int, {
    defaultValue: DEFAULT_HORIZON_DAYS,
    description: 'H: the days after each selection whose visit days are its outcome.',
  })
  @Min(1)
  @Max(MAX_HORIZON_DAYS)
  horizonDays: number = DEFAULT_HORIZON_DAYS;
}

@InputType()
export class UpdateEmailPreferencesInput {
  @Field({ description: 'Receive engagement digests.' })
  digests!: boolean;
}

@ArgsType()
export class EngagementRuleStatsTrendArgs extends EngagementRuleStatsArgs {
  @Field(() => TrendBucket, { defaultValue: TrendBucket.WEEK, description: 'Length of each window: 7 days, or a calendar month (UTC).' })
  bucket: TrendBucket = TrendBucket.WEEK;
}
