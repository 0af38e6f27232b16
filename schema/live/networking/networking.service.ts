import { isUUID } from 'class-validator';
import type { Context } from '../../../server/context';
import { LiveErrors } from '../live.errors';
import { sessionExists, suggestedPeers } from './networking.queries';
import type { SuggestedPeer, SuggestedPeersArgs } from './networking.types';
import type { MemberRow } from '../../identity/member.entity';

export type NetworkingServiceDeps = Pick<Context, 'em'>;

/** Who the viewer should meet: members ranked by what they have in common with them (PEER_WEIGHTS). */
export class NetworkingService {
  constructor(private readonly ctx: NetworkingServiceDeps) {}

  /** At most `first` peers, best first. A sessionId that names no session is NOT_FOUND. */
  async suggestedPeers(viewer: MemberRow, { sessionId, first }: SuggestedPeersArgs): Promise<SuggestedPeer[]> {
    if (sessionId) await this.assertSessionExists(sessionId);
    return suggestedPeers(this.ctx.em, viewer.id, sessionId ?? null, first);
  }

  private async assertSessionExists(sessionId: string): Promise<void> {
    if (!isUUID(sessionId) || !(await sessionExists(this.ctx.em, sessionId))) throw LiveErrors.sessionNotFound();
  }
}
