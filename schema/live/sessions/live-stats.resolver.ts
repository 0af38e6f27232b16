import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { requireViewer } from '../../identity/authorization';
import type { Context } from '../../../server/context';
import { Role } from '../../identity/member.entity';
import { LiveSessionStatsArgs, LiveSessionsSummaryArgs } from './live-stats.inputs';
import { LiveStatsService } from './live-stats.service';
import { LiveSessionStats, LiveSessionsSummary } from './live-stats.types';

/** Session KPIs: admins, and a partner for the sessions they sponsor (checked by the service). */
@Resolver()
export class LiveStatsResolver {
  @Authorized(Role.ADMIN, Role.PARTNER)
  @Query(() => LiveSessionStats, { description: 'One session’s KPIs: for admins, and for the session’s partner.' })
  liveSessionStats(@Args() { sessionId }: LiveSessionStatsArgs, @Ctx() ctx: Context): Promise<LiveSessionStats> {
    return new LiveStatsService(ctx).sessionStats(requireViewer(ctx), sessionId);
  }

  @Authorized(Role.ADMIN)
  @Query(() => LiveSessionsSummary, {
    description: 'Session KPIs over the sessions starting in [from, to), cancelled ones excluded. Admins only.',
  })
  liveSessionsSummary(@Args() args: LiveSessionsSummaryArgs, @Ctx() ctx: Context): Promise<LiveSessionsSummary> {
    return new LiveStatsService(ctx).summary(args);
  }
}
