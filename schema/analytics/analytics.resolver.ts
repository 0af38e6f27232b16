import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../server/context';
import { Connection } from '../../server/pagination';
import { Role } from '../identity/member.entity';
import { AtRiskService } from './at-risk.service';
import {
  AtRiskMembersArgs,
  CompanyEngagementArgs,
  ContentReachArgs,
  MemberEngagementArgs,
  RevisitFrequencyArgs,
  RevisitFrequencyTrendArgs,
} from './analytics.inputs';
import { ContentRow } from '../content/content.entity';
import {
  AtRiskMember,
  CompanyEngagement,
  ContentReachRow,
  MemberActivityDay,
  MemberEngagement,
  RevisitFrequency,
  RevisitFrequencyPoint,
} from './analytics.types';
import { MemberActivityService } from './member-activity.service';
import { AccountEngagementService } from './account-engagement.service';
import { ReachService } from './reach.service';
import { RevisitService } from './revisit.service';

const ContentReachConnection = Connection(ContentReachRow);
const AtRiskMemberConnection = Connection(AtRiskMember);
const CompanyEngagementConnection = Connection(CompanyEngagement);

/** The community KPIs (PRODUCT.md definitions), computed in SQL. Admins only. */
@Resolver()
export class AnalyticsResolver {
  @Authorized(Role.ADMIN)
  @Query(() => RevisitFrequency, { description: 'How often members came back in the window (community time zone).' })
  revisitFrequency(@Args() args: RevisitFrequencyArgs, @Ctx() ctx: Context): Promise<RevisitFrequency> {
    return new RevisitService(ctx).frequency(args);
  }

  @Authorized(Role.ADMIN)
  @Query(() => [RevisitFrequencyPoint], { description: 'Revisit frequency over a trailing window at each week or month start.' })
  revisitFrequencyTrend(@Args() args: RevisitFrequencyTrendArgs, @Ctx() ctx: Context): Promise<RevisitFrequencyPoint[]> {
    return new RevisitService(ctx).trend(args);
  }

  @Authorized(Role.ADMIN)
  @Query(() => ContentReachConnection, { description: 'Reach of the items published in the window, per item, type or theme.' })
  contentReach(@Args() args: ContentReachArgs, @Ctx() ctx: Context) {
    return new ReachService(ctx).contentReach(args);
  }

  @Authorized(Role.ADMIN)
  @Query(() => AtRiskMemberConnection, { description: 'Members with no recent visit and no recent view; paid renewals first.' })
  atRiskMembers(@Args() args: AtRiskMembersArgs, @Ctx() ctx: Context) {
    return new AtRiskService(ctx).list(args);
  }

  @Authorized(Role.ADMIN)
  @Query(() => CompanyEngagementConnection, { description: 'Engagement per company (account), largest first.' })
  companyEngagement(@Args() args: CompanyEngagementArgs, @Ctx() ctx: Context) {
    return new AccountEngagementService(ctx).companies(args);
  }

  @Authorized()
  @Query(() => MemberEngagement, { description: 'One member over a window: their own, or anyone’s for admins.' })
  memberEngagement(@Args() args: MemberEngagementArgs, @Ctx() ctx: Context): Promise<MemberEngagement> {
    return new AccountEngagementService(ctx).member(args);
  }

  @Authorized()
  @Query(() => [MemberActivityDay], {
    description: 'A member’s visits and views day by day (community time zone): their own, or anyone’s for admins.',
  })
  memberActivity(@Args() args: MemberEngagementArgs, @Ctx() ctx: Context): Promise<MemberActivityDay[]> {
    return new MemberActivityService(ctx).days(args);
  }
}

@Resolver(() => ContentReachRow)
export class ContentReachRowResolver {
  @FieldResolver(() => ContentRow, { nullable: true, description: 'The item, for rows grouped by ITEM; null for a type or theme.' })
  content(@Root() row: ContentReachRow, @Ctx() ctx: Context): Promise<ContentRow | null> | null {
    return row.itemId ? ctx.loaders.contentById.load(row.itemId) : null;
  }
}
