import { Field, Float, Int, ObjectType } from 'type-graphql';
import { ContentRow } from '../content/content.entity';
import { MemberRow } from '../identity/member.entity';

@ObjectType({ simpleResolvers: true, description: 'One member of a preview and what their digest would hold.' })
export class EngagementRuleSample {
  @Field(() => MemberRow)
  member!: MemberRow;

  @Field(() => [ContentRow])
  hot!: ContentRow[];

  @Field(() => [ContentRow])
  cold!: ContentRow[];
}

@ObjectType({
  simpleResolvers: true,
  description: 'The smallest lift a rule can detect with its audience of now (80 % power, 5 % significance, two-sided).',
})
export class MinimumDetectableLift {
  @Field(() => Float, {
    nullable: true,
    description: 'In visit days per member over horizonDays; null when the lift cannot be measured (see sentence).',
  })
  absolute!: number | null;

  @Field(() => Float, { nullable: true, description: 'absolute / baselineMeanVisitDays (0.2 = 20 % more visit days).' })
  relative!: number | null;

  @Field(() => Int, { description: 'H, the horizon of the outcome.' })
  horizonDays!: number;

  @Field(() => Int, { description: 'Members the rule would email now.' })
  treated!: number;

  @Field(() => Int, { description: 'Members the rule would hold out now.' })
  heldOut!: number;

  @Field(() => Float, { nullable: true, description: 'Standard deviation of these members’ visit days over recent spans of horizonDays.' })
  outcomeStdDev!: number | null;

  @Field(() => Float, { nullable: true, description: 'Their mean visit days over those spans.' })
  baselineMeanVisitDays!: number | null;

  @Field({ description: 'The same, as a sentence an admin reads before enabling the rule.' })
  sentence!: string;
}

@ObjectType({ simpleResolvers: true, description: 'A dry run of a rule at this moment: nothing is sent or recorded.' })
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

  @Field(() => MinimumDetectableLift, {
    description: 'What lift this selection could prove, for horizonDays (README, "Measuring a rule\'s lift").',
  })
  minimumDetectableLift!: MinimumDetectableLift;
}

@ObjectType({ simpleResolvers: true })
export class ConfidenceInterval {
  @Field(() => Float)
  low!: number;

  @Field(() => Float)
  high!: number;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'Whether a rule brings members back: the visit days of treated selections against held-out ones in the H days after each (README, "Measuring a rule\'s lift").',
})
export class EngagementRuleStats {
  @Field(() => Int, { description: 'Digests sent in the window.' })
  sent!: number;

  @Field(() => Int, { description: 'Selections held out in the window: recorded, not emailed.' })
  heldOut!: number;

  @Field(() => Int, { nullable: true, description: 'Always null: digests carry no tracking pixel, so opens are not measured.' })
  opened!: number | null;

  @Field(() => Int, { description: 'Secondary: sent digests with at least one link followed.' })
  clicked!: number;

  @Field(() => Float, { nullable: true, description: 'Secondary: clicked / sent.' })
  clickRate!: number | null;

  @Field(() => Int, { description: 'Secondary: visits opened by a link of these digests.' })
  attributedVisits!: number;

  @Field(() => Int, { description: 'H: days after each selection whose visit days are its outcome.' })
  horizonDays!: number;

  @Field(() => Int, { description: 'Selections of the window whose H days are not over yet: not measured.' })
  pendingSelections!: number;

  @Field(() => Int, { description: 'Sent selections measured (their H days are over).' })
  treatedSelections!: number;

  @Field(() => Int, { description: 'Held-out selections measured.' })
  heldOutSelections!: number;

  @Field(() => Int, { description: 'Distinct members behind treatedSelections (the units of the interval).' })
  treatedMembers!: number;

  @Field(() => Int, { description: 'Distinct members behind heldOutSelections.' })
  heldOutMembers!: number;

  @Field(() => Float, { nullable: true, description: 'Mean visit days in the H days after a sent selection.' })
  treatedMeanVisitDays!: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean visit days in the H days after a held-out selection.' })
  heldOutMeanVisitDays!: number | null;

  @Field(() => Float, { nullable: true, description: 'Secondary: share of measured sent selections followed by a visit within H days.' })
  treatedReturnRate!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Secondary: share of measured held-out selections followed by a visit within H days.',
  })
  holdoutReturnRate!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'treatedMeanVisitDays - heldOutMeanVisitDays: visit days per selection the rule adds in H days.',
  })
  lift!: number | null;

  @Field(() => ConfidenceInterval, {
    nullable: true,
    description:
      '95% interval of the lift: Welch t with variances clustered by member (a member selected several times counts once in the variance).',
  })
  liftConfidenceInterval!: ConfidenceInterval | null;

  @Field(() => Float, { nullable: true, description: 'lift / heldOutMeanVisitDays (0.1 = 10 % more visit days).' })
  relativeLift!: number | null;

  @Field(() => ConfidenceInterval, { nullable: true, description: '95% interval of relativeLift (on the log of the ratio of means).' })
  relativeLiftConfidenceInterval!: ConfidenceInterval | null;
}

@ObjectType({ simpleResolvers: true })
export class EmailPreferences {
  @Field({ description: 'Receives engagement digests.' })
  digests!: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'A rule’s statistics over one window of a trend.' })
export class EngagementRuleStatsWindow {
  @Field({ description: 'Start of the window (inclusive).' })
  from!: Date;

  @Field({ description: 'End of the window (exclusive).' })
  to!: Date;

  @Field(() => EngagementRuleStats)
  stats!: EngagementRuleStats;
}
