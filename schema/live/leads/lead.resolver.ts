import { IsOptional } from 'class-validator';
import { Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { isAdmin, requireViewer } from '../../identity/authorization';
import type { Context } from '../../../server/context';
import { forbidden } from '../../../server/errors';
import { Connection, PageArgs } from '../../../server/pagination';
import { MemberRow, Role } from '../../identity/member.entity';
import { LeadRow } from './lead.entity';
import { LeadService } from './lead.service';

const LeadConnection = Connection(LeadRow);

@ArgsType()
export class PartnerLeadsArgs extends PageArgs {
  @Field(() => ID, {
    nullable: true,
    description: 'Admins: one partner’s leads (all partners’ when absent). A partner may only pass their own id.',
  })
  @IsOptional()
  partnerId?: string | null;
}

/** A lead's contact is for its partner and admins: the member consented to that partner only. */
const mayContact = (lead: LeadRow, ctx: Context) => isAdmin(ctx) || ctx.viewer?.id === lead.partnerId;

@Resolver(() => LeadRow)
export class LeadResolver {
  @Authorized(Role.PARTNER, Role.ADMIN)
  @Query(() => LeadConnection, {
    description:
      'Members who consented and engaged with a partner’s sessions, latest activity first: a partner’s own leads, or any partner’s for admins.',
  })
  partnerLeads(@Args() args: PartnerLeadsArgs, @Ctx() ctx: Context) {
    return new LeadService(ctx).partnerLeads(requireViewer(ctx), args);
  }

  @FieldResolver(() => MemberRow)
  async partner(@Root() lead: LeadRow, @Ctx() ctx: Context): Promise<MemberRow> {
    return (await ctx.loaders.memberById.load(lead.partnerId))!;
  }

  @FieldResolver(() => MemberRow, { description: 'The consenting member (their `email` stays masked: read `contactEmail`).' })
  async member(@Root() lead: LeadRow, @Ctx() ctx: Context): Promise<MemberRow> {
    return (await ctx.loaders.memberById.load(lead.memberId))!;
  }

  @FieldResolver(() => String, {
    description: 'The member’s email, which they agreed to share with this partner: for the partner and admins only.',
  })
  async contactEmail(@Root() lead: LeadRow, @Ctx() ctx: Context): Promise<string> {
    if (!mayContact(lead, ctx)) throw forbidden('Only the lead’s partner and admins may read its contact.');
    return (await ctx.loaders.memberById.load(lead.memberId))!.email;
  }
}
