import type { Context } from '../../server/context';
import { readModel } from '../../server/db/read-model';
import { decodeOffset, toOffsetConnection, type ConnectionShape } from '../../server/pagination';
import { Member } from '../identity/member.entity';
import type { AtRiskMembersArgs } from './analytics.inputs';
import type { AtRiskMember } from './analytics.types';
import { atRiskCondition, LAST_VIEW_CTE, LAST_VISIT_CTE } from './visit-days.sql';

/** Renewals this close put a paid at-risk member at the top of the list (PRODUCT.md). */
export const RENEWAL_HORIZON_DAYS = 60;

/**
 * PRODUCT.md: no visit in the last `noVisitDays` and no content seen in the last `noViewDays`.
 * Paid members renewing within 60 days first (soonest renewal first), then the longest absent.
 * Params: now, noVisitDays, noViewDays, horizon days, offset, limit.
 */
const AT_RISK_SQL = `
-- The shared CTEs take activity strictly before to_at: up to and including now here.
with params as (select ?::timestamptz + interval '1 microsecond' as to_at, ?::int as no_visit_days, ?::int as no_view_days, ?::int as horizon),
${LAST_VISIT_CTE},
${LAST_VIEW_CTE},
candidates as (
  select m.*, lv.last_visit, lw.last_view,
         (m.membership = 'PAID' and m.renewal_date is not null
          and m.renewal_date <= ((p.to_at at time zone 'UTC')::date + p.horizon)) as renewing
  from member m
  left join member_last_visit lv on lv.member_id = m.id
  left join member_last_view lw on lw.member_id = m.id, params p
  where m.created_at < p.to_at and ${atRiskCondition('lv.last_visit', 'lw.last_view', 'p.no_visit_days', 'p.no_view_days')}
)
select c.* from candidates c
order by c.renewing desc, case when c.renewing then c.renewal_date end asc nulls last,
         coalesce(c.last_visit, c.created_at) asc, c.id asc
offset ? limit ?`;

export type AtRiskServiceDeps = Pick<Context, 'clock' | 'em' | 'visitTracker'>;

/** Members who neither come back nor read: the ones admins must reach before renewal. */
export class AtRiskService {
  constructor(private readonly ctx: AtRiskServiceDeps) {}

  async list({ noVisitDays, noViewDays, first, after }: AtRiskMembersArgs): Promise<ConnectionShape<AtRiskMember>> {
    await this.ctx.visitTracker.flush();
    const offset = decodeOffset(after);
    const rows = await this.ctx.em.execute<Record<string, unknown>[]>(AT_RISK_SQL, [
      this.ctx.clock.now(),
      noVisitDays,
      noViewDays,
      RENEWAL_HORIZON_DAYS,
      offset,
      first + 1,
    ]);
    const toMember = readModel(this.ctx.em, Member);
    return toOffsetConnection(rows, first, offset, (row) => {
      const member = toMember(row);
      return {
        member,
        lastVisitAt: row.last_visit ? new Date(row.last_visit as string) : null,
        lastViewAt: row.last_view ? new Date(row.last_view as string) : null,
        renewalDate: member.renewalDate,
      };
    });
  }
}
