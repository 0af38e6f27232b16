import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { LocalDateScalar } from '../../server/scalars';
import { isSelfOrAdmin, requireViewer } from './authorization';
import type { Context } from '../../server/context';
import { Connection } from '../../server/pagination';
import { MembersArgs, SetMemberRoleArgs, SetMembershipArgs, UpdateProfileInput } from './identity.inputs';
import { MemberRow, Role } from './member.entity';
import { MemberService } from './member.service';

const MemberConnection = Connection(MemberRow, 'Member', { totalCount: 'Members matching `search` (all members without it).' });

/** Contact and account details are for the member themselves and admins only. */
const canSeePrivate = (member: MemberRow, ctx: Context) => isSelfOrAdmin(ctx, member.id);

@Resolver(() => MemberRow)
export class MemberResolver {
  @Authorized()
  @Query(() => MemberRow, { description: 'The logged-in member.' })
  me(@Ctx() ctx: Context): Promise<MemberRow> {
    // Read afresh: the viewer of the context may be a snapshot a few seconds old (lastVisitAt).
    return new MemberService(ctx).get(requireViewer(ctx).id);
  }

  @Authorized()
  @Query(() => MemberRow, {
    nullable: true,
    description: 'Null with a NOT_FOUND error when it does not exist or the viewer may not see it; the rest of the request still answers.',
  })
  member(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<MemberRow> {
    return new MemberService(ctx).get(id);
  }

  @Authorized(Role.ADMIN)
  @Query(() => MemberConnection)
  members(@Args() args: MembersArgs, @Ctx() ctx: Context) {
    return new MemberService(ctx).list(args);
  }

  @Authorized()
  @Mutation(() => MemberRow)
  updateProfile(@Arg('input') input: UpdateProfileInput, @Ctx() ctx: Context): Promise<MemberRow> {
    return new MemberService(ctx).updateProfile(requireViewer(ctx), input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => MemberRow)
  setMemberRole(@Args() args: SetMemberRoleArgs, @Ctx() ctx: Context): Promise<MemberRow> {
    return new MemberService(ctx).setRole(args);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => MemberRow)
  setMembership(@Args() args: SetMembershipArgs, @Ctx() ctx: Context): Promise<MemberRow> {
    return new MemberService(ctx).setMembership(args);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Visible to the member and admins only.' })
  email(@Root() member: MemberRow, @Ctx() ctx: Context): string | null {
    return canSeePrivate(member, ctx) ? member.email : null;
  }

  @FieldResolver(() => LocalDateScalar, { nullable: true, description: 'Visible to the member and admins only.' })
  renewalDate(@Root() member: MemberRow, @Ctx() ctx: Context): string | null {
    return canSeePrivate(member, ctx) ? member.renewalDate : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'The language of the member’s emails and notifications (`en`, `fr`): their own choice, else the community’s. Visible to the member and admins only.',
  })
  locale(@Root() member: MemberRow, @Ctx() ctx: Context): string | null {
    return canSeePrivate(member, ctx) ? new MemberService(ctx).readerOf(member).locale : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'The IANA time zone the member’s emails show times in: their own choice, else the community’s. Visible to the member and admins only.',
  })
  timeZone(@Root() member: MemberRow, @Ctx() ctx: Context): string | null {
    return canSeePrivate(member, ctx) ? new MemberService(ctx).readerOf(member).timeZone : null;
  }

  @FieldResolver(() => Date, { nullable: true, description: 'Visible to the member and admins only.' })
  lastVisitAt(@Root() member: MemberRow, @Ctx() ctx: Context): Date | null {
    return canSeePrivate(member, ctx) ? member.lastVisitAt : null;
  }
}
