import type { Context } from '../../server/context';
import { readModel } from '../../server/db/read-model';
import { decodeOffset, toOffsetConnection, type ConnectionShape } from '../../server/pagination';
import { Member } from '../identity/member.entity';
import type { AtRiskMembersArgs } from './analytics.inputs';
import type { AtRiskMember } from './analytics.types';

/** Renewals this close put a paid at-risk member at the top of the list (PRODUCT.md). */
export const RENEWAL_HORIZON_DAYS = 60;

/**
 * PRODUCT.md: no visit in the last `noVisitDays` and no content seen in the last `noViewDays`.
 * Paid members renewing within 60 days first (soonest renewal first), then the longest absent.
 * Params: now, noVisitDays, noViewDays, horizon days, offset, limit.
 */
const AT_RISK_SQL = `
with params as (select ?::timestamptz as now, ?::int as no_visit_days, ?::int as no_view_days, ?::int as horizon),
candidates as (
  select m.*, (select max(v.last_activity_at) from visit v where v.member_id = m.id) as last_visit,
         (select max(cv.last_seen_at) from content_view cv where cv.member_id = m.id) as last_view,
         (m.membership = 'PAID' and m.renewal_date is not null
          and m.renewal_date <= ((p.now at time zone 'UTC')::date + p.horizon)) as renewing
  from member m, params p where m.created_at < p.now
)
select c.* from candidates c, params p
where (c.last_visit is null or c.last_visit < p.now - make_interval(days => p.no_visit_days))
  and (c.last_view is null or c.last_view < p.now - make_interval(days => p.no_view_days))
order by c.renewing desc, case when c.renewing then c.renewal_date end asc nulls last,
         coalesce(c.last_visit, c.created_at) asc, c.id asc
offset ? limit ?`;

/** Members who neither come back nor read: the ones admins must reach before renewal. */
export class AtRiskService {
  constructor(private readonly ctx: Context) {}

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
