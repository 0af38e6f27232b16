import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../server/context';
import { Role } from '../identity/member.entity';
import { MemberVisitsArgs } from './tracking.inputs';
import { VisitRow } from './visit.entity';
import { VisitService } from './visit.service';

@Resolver(() => VisitRow)
export class VisitResolver {
  @Authorized(Role.ADMIN)
  @Query(() => [VisitRow], { description: 'A member’s visits overlapping [from, to), oldest first.' })
  memberVisits(@Args() args: MemberVisitsArgs, @Ctx() ctx: Context): Promise<VisitRow[]> {
    return new VisitService(ctx).memberVisits(args);
  }

  @FieldResolver(() => [String], { description: 'Visit days (YYYY-MM-DD, community time zone) this visit touched.' })
  days(@Root() visit: VisitRow, @Ctx() ctx: Context): string[] {
    return new VisitService(ctx).visitDays(visit);
  }
}
