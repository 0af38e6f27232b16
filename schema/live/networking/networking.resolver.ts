import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { requireViewer } from '../../identity/authorization';
import type { Context } from '../../../server/context';
import { NetworkingService } from './networking.service';
import { PEER_WEIGHTS } from './networking.types';
import { SuggestedPeer, SuggestedPeersArgs } from './networking.types';

@Resolver(() => SuggestedPeer)
export class NetworkingResolver {
  @Authorized()
  @Query(() => [SuggestedPeer], {
    description:
      `Members the viewer has most in common with, best first: ${PEER_WEIGHTS.sharedInterest} points per shared declared interest, ` +
      `${PEER_WEIGHTS.sharedViewedTheme} per theme both viewed content on, ${PEER_WEIGHTS.sameSession} when both are registered to ` +
      '`sessionId`; ties by member id. Never the viewer, members blocked either way, or members sharing nothing.',
  })
  suggestedPeers(@Args() args: SuggestedPeersArgs, @Ctx() ctx: Context): Promise<SuggestedPeer[]> {
    return new NetworkingService(ctx).suggestedPeers(requireViewer(ctx), args);
  }
}
