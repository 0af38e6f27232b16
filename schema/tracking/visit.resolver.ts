import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../server/context';
import { Role } from '../identity/member.entity';
import { MemberVisitsArgs } from './tracking.inputs';
import { Visit } from './visit.entity';
import { VisitService } from './visit.service';

@Resolver(() => Visit)
export class VisitResolver {
  @Authorized(Role.ADMIN)
  @Query(() => [Visit], { description: 'A member’s visits overlapping [from, to), oldest first.' })
  memberVisits(@Args() args: MemberVisitsArgs, @Ctx() ctx: Context): Promise<Visit[]> {
    return new VisitService(ctx).memberVisits(args);
  }

  @FieldResolver(() => [String], { description: 'Visit days (YYYY-MM-DD, community time zone) this visit touched.' })
  days(@Root() visit: Visit, @Ctx() ctx: Context): string[] {
    return new VisitService(ctx).visitDays(visit);
  }
}
