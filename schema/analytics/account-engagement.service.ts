import type { Context } from '../../server/context';
import { forbidden } from '../../server/errors';
import { isSelfOrAdmin } from '../identity/authorization';
import { decodeOffset, toOffsetConnection, type ConnectionShape } from '../../server/pagination';
import { MemberService, type MemberServiceDeps } from '../identity/member.service';
import { assertWindow } from './analytics.errors';
import type { CompanyEngagementArgs, MemberEngagementArgs } from './analytics.inputs';
import type { CompanyEngagement, MemberEngagement } from './analytics.types';
import { companyEngagementRows, memberEngagementRows } from './analytics.queries';
import { readVisitDays } from './visit-day-rollup';
import { roundFigure } from './visit-days.sql';

export type AccountEngagementServiceDeps = Pick<Context, 'config' | 'em' | 'viewer' | 'visitTracker'> & MemberServiceDeps;

/** Engagement per account and per member. */
export class AccountEngagementService {
  constructor(private readonly ctx: AccountEngagementServiceDeps) {}

  async companies({ from, to, first, after }: CompanyEngagementArgs): Promise<ConnectionShape<CompanyEngagement>> {
    assertWindow(from, to);
    await this.ctx.visitTracker.flush();
    const offset = decodeOffset(after);
    const zone = this.ctx.config.communityTimezone;
    const rows = await readVisitDays(this.ctx.em, zone, () => companyEngagementRows(this.ctx.em, zone, { from, to }, offset, first + 1));
    return toOffsetConnection(rows, first, offset, (row) => ({
      company: row.company,
      members: row.members,
      activeMembers: row.active,
      revisitMeanDays: roundFigure(row.mean_days),
      revisitMedianDays: roundFigure(row.median_days),
      contentReach: roundFigure(row.reach) ?? 0,
      atRiskMembers: row.at_risk,
    }));
  }

  /** A member's own figures; admins may read anyone's. */
  async member({ memberId, from, to }: MemberEngagementArgs): Promise<MemberEngagement> {
    if (!isSelfOrAdmin(this.ctx, memberId)) throw forbidden('You can only see your own engagement.');
    assertWindow(from, to);
    await new MemberService(this.ctx).get(memberId);
    await this.ctx.visitTracker.flush();
    const zone = this.ctx.config.communityTimezone;
    const [row] = await readVisitDays(this.ctx.em, zone, () => memberEngagementRows(this.ctx.em, memberId, zone, { from, to }));
    return {
      visits: row.visits,
      visitDays: row.visit_days,
      revisitIntervalDays: roundFigure(row.interval),
      lastVisitAt: row.last_visit ? new Date(row.last_visit) : null,
      itemsSeen: row.items_seen,
      topThemes: typeof row.top_themes === 'string' ? JSON.parse(row.top_themes) : row.top_themes,
    };
  }
}
