import type { Context } from '../../server/context';
import { decodeOffset, toOffsetConnection, type ConnectionShape } from '../../server/pagination';
import type { AtRiskMembersArgs } from './analytics.inputs';
import type { AtRiskMember } from './analytics.types';
import { atRiskRows } from './analytics.queries';

/** Renewals this close put a paid at-risk member at the top of the list (PRODUCT.md). */
export const RENEWAL_HORIZON_DAYS = 60;

export type AtRiskServiceDeps = Pick<Context, 'clock' | 'em' | 'visitTracker'>;

/** Members who neither come back nor read: the ones admins must reach before renewal. */
export class AtRiskService {
  constructor(private readonly ctx: AtRiskServiceDeps) {}

  async list({ noVisitDays, noViewDays, first, after }: AtRiskMembersArgs): Promise<ConnectionShape<AtRiskMember>> {
    await this.ctx.visitTracker.flush();
    const offset = decodeOffset(after);
    const rows = await atRiskRows(this.ctx.em, {
      now: this.ctx.clock.now(),
      noVisitDays,
      noViewDays,
      horizonDays: RENEWAL_HORIZON_DAYS,
      offset,
      limit: first + 1,
    });
    return toOffsetConnection(rows, first, offset, ({ member, lastVisitAt, lastViewAt }) => ({
      member,
      lastVisitAt,
      lastViewAt,
      renewalDate: member.renewalDate,
    }));
  }
}
