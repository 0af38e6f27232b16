import type { Context } from '../../server/context';
import { assertWindow } from '../analytics/analytics.errors';
import { EngagementRuleService, type EngagementRuleServiceDeps } from './engagement-rule.service';
import type { EngagementRuleStatsArgs } from './engagement.inputs';
import type { EngagementRuleStats } from './engagement.types';
import { ruleOutcomeRows, ruleSelectionFigures, type RuleOutcomeRow } from './engagement.queries';
import { DEFAULT_HORIZON_DAYS, estimateArm, estimateLift } from './lift';

const rate = (part: number, whole: number) => (whole ? part / whole : null);

export type EngagementStatsServiceDeps = Pick<Context, 'clock' | 'config' | 'em'> & EngagementRuleServiceDeps;

/** The proof of effect: visit days in the H days after a selection, treated against held out (README, "Measuring a rule's lift"). */
export class EngagementStatsService {
  constructor(private readonly ctx: EngagementStatsServiceDeps) {}

  async stats(args: EngagementRuleStatsArgs): Promise<EngagementRuleStats> {
    assertWindow(args.from, args.to);
    const rule = await new EngagementRuleService(this.ctx).get(args.ruleId);
    const horizonDays = args.horizonDays ?? DEFAULT_HORIZON_DAYS;
    const now = this.ctx.clock.now();
    const zone = this.ctx.config.communityTimezone;
    const window = { ruleId: rule.id, from: args.from, to: args.to, horizonDays, now };
    const rows = await ruleOutcomeRows(this.ctx.em, window, zone);
    const secondary = await ruleSelectionFigures(this.ctx.em, window);
    const arm = (status: RuleOutcomeRow['status']) => {
      const members = rows
        .filter((row) => row.status === status)
        .map((row) => ({ selections: row.selections, outcomeSum: row.outcome_sum }));
      const returned = rows.filter((row) => row.status === status).reduce((sum, row) => sum + row.returned, 0);
      return { estimate: estimateArm(members), returned };
    };
    const treated = arm('SENT');
    const heldOut = arm('HELD_OUT');
    const lift = estimateLift(treated.estimate, heldOut.estimate);
    return {
      sent: secondary.sent,
      heldOut: secondary.held_out,
      opened: null,
      clicked: secondary.clicked,
      clickRate: rate(secondary.clicked, secondary.sent),
      attributedVisits: secondary.attributed_visits,
      horizonDays,
      pendingSelections: secondary.pending,
      treatedSelections: treated.estimate.selections,
      heldOutSelections: heldOut.estimate.selections,
      treatedMembers: treated.estimate.members,
      heldOutMembers: heldOut.estimate.members,
      treatedMeanVisitDays: treated.estimate.mean,
      heldOutMeanVisitDays: heldOut.estimate.mean,
      treatedReturnRate: rate(treated.returned, treated.estimate.selections),
      holdoutReturnRate: rate(heldOut.returned, heldOut.estimate.selections),
      lift: lift.lift,
      liftConfidenceInterval: lift.interval,
      relativeLift: lift.relativeLift,
      relativeLiftConfidenceInterval: lift.relativeInterval,
    };
  }
}
