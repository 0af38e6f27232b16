import type { Context } from '../../server/context';
import { assertWindow } from '../analytics/analytics.errors';
import { EngagementRuleService } from './engagement-rule.service';
import type { EngagementRuleStatsArgs } from './engagement.inputs';
import type { EngagementRuleStats } from './engagement.types';

/** Days after a digest (sent or held out) within which a visit counts as a return. */
export const RETURN_WINDOW_DAYS = 7;
const Z_95 = 1.959964;

const STATS_SQL = `
with d as (
  select id, status, member_id, created_at from digest
  where rule_id = ? and created_at >= ? and created_at < ? and status in ('SENT', 'HELD_OUT')
), outcome as (
  select d.status,
    exists (select 1 from visit v where v.member_id = d.member_id and v.started_at > d.created_at
            and v.started_at <= d.created_at + make_interval(days => ${RETURN_WINDOW_DAYS})) as returned,
    exists (select 1 from digest_click c where c.digest_id = d.id) as clicked
  from d
)
select
  count(*) filter (where status = 'SENT')::int as sent,
  count(*) filter (where status = 'HELD_OUT')::int as held_out,
  count(*) filter (where status = 'SENT' and clicked)::int as clicked,
  count(*) filter (where status = 'SENT' and returned)::int as treated_returned,
  count(*) filter (where status = 'HELD_OUT' and returned)::int as holdout_returned,
  (select count(*) from visit v where v.attributed_digest_id in (select id from d))::int as attributed_visits
from outcome`;

interface StatsRow {
  sent: number;
  held_out: number;
  clicked: number;
  treated_returned: number;
  holdout_returned: number;
  attributed_visits: number;
}

const rate = (part: number, whole: number) => (whole ? part / whole : null);

/** The proof of effect: emailed members' 7-day return rate against the holdout's, with a 95% interval. */
export class EngagementStatsService {
  constructor(private readonly ctx: Context) {}

  async stats(args: EngagementRuleStatsArgs): Promise<EngagementRuleStats> {
    assertWindow(args.from, args.to);
    const rule = await new EngagementRuleService(this.ctx).get(args.ruleId);
    const [row] = await this.ctx.em.execute<StatsRow[]>(STATS_SQL, [rule.id, args.from, args.to]);
    const treated = rate(row.treated_returned, row.sent);
    const holdout = rate(row.holdout_returned, row.held_out);
    const lift = treated !== null && holdout !== null ? treated - holdout : null;
    const margin = lift === null ? 0 : Z_95 * Math.sqrt((treated! * (1 - treated!)) / row.sent + (holdout! * (1 - holdout!)) / row.held_out);
    return {
      sent: row.sent,
      heldOut: row.held_out,
      opened: null,
      clicked: row.clicked,
      clickRate: rate(row.clicked, row.sent),
      attributedVisits: row.attributed_visits,
      treatedReturnRate: treated,
      holdoutReturnRate: holdout,
      lift,
      liftConfidenceInterval: lift === null ? null : { low: lift - margin, high: lift + margin },
    };
  }
}
