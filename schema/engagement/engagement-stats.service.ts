import type { Context } from '../../server/context';
import { assertWindow } from '../analytics/analytics.errors';
import { EngagementRuleService, type EngagementRuleServiceDeps } from './engagement-rule.service';
import type { EngagementRuleStatsArgs } from './engagement.inputs';
import type { EngagementRuleStats } from './engagement.types';
import { DEFAULT_HORIZON_DAYS, estimateArm, estimateLift, type MemberOutcomes } from './lift';

/**
 * The outcome of a selection (a digest SENT or HELD_OUT at `created_at`): the calendar days, in the
 * community's zone, on which the member was active in the H × 24 hours after it (visits clipped to
 * that span). Measured only once those H days are over; later selections are `pending`.
 * One row per member and arm: the estimator needs members, not selections (lift.ts).
 */
const OUTCOMES_SQL = `
with d as (
  select id, status, member_id, created_at, created_at + make_interval(days => ?::int) as horizon_end from digest
  where rule_id = ? and created_at >= ? and created_at < ? and status in ('SENT', 'HELD_OUT')
), measured as (
  select d.member_id, d.status, o.days
  from d cross join lateral (
    select count(distinct day)::int as days from visit v
    cross join lateral generate_series(
      (greatest(v.started_at, d.created_at) at time zone ?::text)::date::timestamp,
      (least(v.last_activity_at, d.horizon_end) at time zone ?::text)::date::timestamp, interval '1 day') day
    where v.member_id = d.member_id and v.last_activity_at > d.created_at and v.started_at <= d.horizon_end
  ) o
  where d.horizon_end <= ?
)
select member_id, status, count(*)::int as selections, sum(days)::int as outcome_sum, count(*) filter (where days > 0)::int as returned
from measured group by member_id, status`;

/** Secondary figures over every selection of the window, measured or not. */
const SECONDARY_SQL = `
with d as (
  select id, status, created_at from digest
  where rule_id = ? and created_at >= ? and created_at < ? and status in ('SENT', 'HELD_OUT')
)
select
  count(*) filter (where status = 'SENT')::int as sent,
  count(*) filter (where status = 'HELD_OUT')::int as held_out,
  count(*) filter (where created_at + make_interval(days => ?::int) > ?)::int as pending,
  count(*) filter (where status = 'SENT' and exists (select 1 from digest_click c where c.digest_id = d.id))::int as clicked,
  (select count(*) from visit v where v.attributed_digest_id in (select id from d))::int as attributed_visits
from d`;

interface OutcomeRow extends MemberOutcomes {
  member_id: string;
  status: 'SENT' | 'HELD_OUT';
  outcome_sum: number;
  returned: number;
}

interface SecondaryRow {
  sent: number;
  held_out: number;
  pending: number;
  clicked: number;
  attributed_visits: number;
}

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
    const rows = await this.ctx.em.execute<OutcomeRow[]>(OUTCOMES_SQL, [horizonDays, rule.id, args.from, args.to, zone, zone, now]);
    const [secondary] = await this.ctx.em.execute<SecondaryRow[]>(SECONDARY_SQL, [rule.id, args.from, args.to, horizonDays, now]);
    const arm = (status: OutcomeRow['status']) => {
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
