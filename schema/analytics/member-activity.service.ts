import type { Context } from '../../server/context';
import { forbidden } from '../../server/errors';
import { isSelfOrAdmin } from '../identity/authorization';
import { MemberService, type MemberServiceDeps } from '../identity/member.service';
import { assertWindow } from './analytics.errors';
import { memberActivityDays } from './analytics.queries';
import type { MemberEngagementArgs } from './analytics.inputs';
import type { MemberActivityDay } from './analytics.types';

export type MemberActivityServiceDeps = Pick<Context, 'config' | 'em' | 'viewer' | 'visitTracker'> & MemberServiceDeps;

/** One member's activity day by day: what an admin opens from an at-risk row. */
export class MemberActivityService {
  constructor(private readonly ctx: MemberActivityServiceDeps) {}

  async days({ memberId, from, to }: MemberEngagementArgs): Promise<MemberActivityDay[]> {
    if (!isSelfOrAdmin(this.ctx, memberId)) throw forbidden('You can only see your own activity.');
    assertWindow(from, to);
    await new MemberService(this.ctx).get(memberId);
    await this.ctx.visitTracker.flush();
    return memberActivityDays(this.ctx.em, memberId, this.ctx.config.communityTimezone, { from, to });
  }
}
