import type { Context } from '../../server/context';
import { badInput } from '../../server/errors';
import { daysFromTo, localDate } from '../../server/time';
import { MemberService, type MemberServiceDeps } from '../identity/member.service';
import type { MemberVisitsArgs } from './tracking.inputs';
import { Visit, VisitRow } from './visit.entity';

const MAX_WINDOW_DAYS = 366;

export type VisitServiceDeps = Pick<Context, 'config' | 'em' | 'visitTracker'> & MemberServiceDeps;

/** Reads visits. Writing them is VisitTracker's job alone. */
export class VisitService {
  constructor(private readonly ctx: VisitServiceDeps) {}

  /** Visits overlapping [from, to), oldest first. */
  async memberVisits({ memberId, from, to }: MemberVisitsArgs): Promise<Visit[]> {
    if (to <= from) throw badInput('`to` must be after `from`.', { to: 'must be after from' });
    if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * 86_400_000) {
      throw badInput(`The window can span at most ${MAX_WINDOW_DAYS} days.`, { to: 'window too long' });
    }
    await new MemberService(this.ctx).get(memberId);
    // Activity this instance has coalesced but not written yet belongs in the answer.
    await this.ctx.visitTracker.flush();
    return this.ctx.em.find(
      Visit,
      { member: memberId, startedAt: { $lt: to }, lastActivityAt: { $gte: from } },
      { orderBy: { startedAt: 'asc' } },
    );
  }

  /**
   * The visit days a visit touched, in the community time zone: a visit running past midnight
   * counts on both days, since the member was active on both.
   */
  visitDays(visit: VisitRow): string[] {
    const zone = this.ctx.config.communityTimezone;
    return daysFromTo(localDate(visit.startedAt, zone), localDate(visit.lastActivityAt, zone));
  }
}
