import { LRUCache } from 'lru-cache';
import type { Clock } from '../../server/clock';
import { followTopic, type HearthPubSub } from '../../server/pubsub';
import type { MemberRow } from './member.entity';

/** How long a viewer snapshot may serve requests before it is read again. */
export const VIEWER_TTL_MS = 10_000;

/**
 * The member behind each access token, kept briefly per process so authenticating a request
 * costs no query. Changes to a member's role, membership or profile forget it here at once and,
 * through MEMBER_ACCESS_CHANGED on the shared pub/sub, on every other instance.
 */
export class ViewerCache {
  private readonly entries = new LRUCache<string, { member: MemberRow; until: number }>({ max: 20_000 });
  private unfollow: (() => Promise<void>) | null = null;

  constructor(private readonly clock: Clock) {}

  async get(memberId: string, load: (id: string) => Promise<MemberRow | null>): Promise<MemberRow | null> {
    const now = this.clock.now().getTime();
    const cached = this.entries.get(memberId);
    if (cached && cached.until > now) return cached.member;
    const member = await load(memberId);
    if (member) this.entries.set(memberId, { member, until: now + VIEWER_TTL_MS });
    else this.entries.delete(memberId);
    return member;
  }

  forget(memberId: string): void {
    this.entries.delete(memberId);
  }

  /** Forgets members changed on any instance, until `stop()`; forgets everyone if changes may have been missed (Redis lost). */
  listen(pubSub: HearthPubSub): void {
    this.unfollow = followTopic(
      () => pubSub.subscribe('MEMBER_ACCESS_CHANGED'),
      ({ memberId }) => this.forget(memberId),
      () => this.entries.clear(),
    );
  }

  async stop(): Promise<void> {
    await this.unfollow?.();
  }
}
