import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { requireViewer } from '../identity/authorization';
import type { Context } from '../../server/context';
import { MemberRow } from '../identity/member.entity';
import { BlockService } from './block.service';

/** Blocks between members; both mutations return the member, whose `blockedByMe` a client cache keeps. */
@Resolver(() => MemberRow)
export class BlockResolver {
  @Authorized()
  @Mutation(() => MemberRow, { description: 'No messages either way until unblocked. Idempotent; returns the member (blockedByMe: true).' })
  blockMember(@Arg('memberId', () => ID) memberId: string, @Ctx() ctx: Context): Promise<MemberRow> {
    return new BlockService(ctx).block(requireViewer(ctx), memberId);
  }

  @Authorized()
  @Mutation(() => MemberRow, { description: 'Idempotent; returns the member (blockedByMe: false).' })
  unblockMember(@Arg('memberId', () => ID) memberId: string, @Ctx() ctx: Context): Promise<MemberRow> {
    return new BlockService(ctx).unblock(requireViewer(ctx), memberId);
  }

  @FieldResolver(() => Boolean, { description: 'Whether the viewer blocks this member (false for the viewer themselves).' })
  blockedByMe(@Root() member: MemberRow, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.loaders.blockedByViewer.load(member.id);
  }
}
