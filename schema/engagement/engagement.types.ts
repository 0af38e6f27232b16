import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Content } from '../content/content.entity';
import { Member } from '../identity/member.entity';

@ObjectType({ description: 'One member of a preview and what their digest would hold.' })
export class EngagementRuleSample {
  @Field(() => Member)
  member!: Member;

  @Field(() => [Content])
  hot!: Content[];

  @Field(() => [Content])
  cold!: Content[];
}

@ObjectType({ description: 'A dry run of a rule at this moment: nothing is sent or recorded.' })
export class EngagementRulePreview {
  @Field(() => Int, { description: 'Members the rule would act on now (holdout included), not handled yet this period.' })
  eligibleMembers!: number;

  @Field(() => Int, { description: 'Of those, members in the holdout: recorded, not emailed.' })
  heldOut!: number;

  @Field(() => Int, { description: 'Members selected whose digest for the current period is already decided.' })
  alreadySentThisPeriod!: number;

  @Field(() => Int, { description: 'Members selected but skipped: another digest reached them within DIGEST_MIN_INTERVAL_DAYS.' })
  overBudget!: number;

  @Field(() => [EngagementRuleSample])
  samples!: EngagementRuleSample[];
}

@ObjectType()
export class ConfidenceInterval {
  @Field(() => Float)
  low!: number;

  @Field(() => Float)
  high!: number;
}

@ObjectType({ description: 'Whether a rule brings members back: treated members against its holdout.' })
export class EngagementRuleStats {
  @Field(() => Int)
  sent!: number;

  @Field(() => Int)
  heldOut!: number;

  @Field(() => Int, { nullable: true, description: 'Always null: digests carry no tracking pixel, so opens are not measured.' })
  opened!: number | null;

  @Field(() => Int, { description: 'Sent digests with at least one link followed.' })
  clicked!: number;

  @Field(() => Float, { nullable: true, description: 'clicked / sent.' })
  clickRate!: number | null;

  @Field(() => Int, { description: 'Visits opened by a link of these digests.' })
  attributedVisits!: number;

  @Field(() => Float, { nullable: true, description: 'Share of emailed members who visited within 7 days after the digest.' })
  treatedReturnRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of held-out members who visited within 7 days after their (unsent) digest.' })
  holdoutReturnRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'treatedReturnRate - holdoutReturnRate.' })
  lift!: number | null;

  @Field(() => ConfidenceInterval, { nullable: true, description: '95% interval of the lift (normal approximation of a difference of proportions).' })
  liftConfidenceInterval!: ConfidenceInterval | null;
}

@ObjectType()
export class EmailPreferences {
  @Field({ description: 'Receives engagement digests.' })
  digests!: boolean;
}

@ObjectType({ description: 'A rule’s statistics over one window of a trend.' })
export class EngagementRuleStatsWindow {
  @Field({ description: 'Start of the window (inclusive).' })
  from!: Date;

  @Field({ description: 'End of the window (exclusive).' })
  to!: Date;

  @Field(() => EngagementRuleStats)
  stats!: EngagementRuleStats;
}
