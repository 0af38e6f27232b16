import { GraphQLError } from 'graphql';
import { AppError, ErrorCode } from './errors';

/**
 * How many subscriptions a socket, and a member across their sockets, may hold at once on this
 * instance. Every subscription is re-checked on every event: a thousand on one socket would be a
 * thousand statements per event for one client.
 */
export class SubscriptionQuota {
  private readonly perMember = new Map<string, number>();

  constructor(private readonly limits: { perSocket: number; perMember: number }) {}

  /**
   * Takes a slot for subscription `id` of a socket (`held`: its subscriptions and their members)
   * and member, or returns the refusal. Release it with `release` when the subscription ends.
   */
  take(held: Map<string, string | null>, id: string, memberId: string | null): GraphQLError | null {
    if (held.size >= this.limits.perSocket) {
      return refusal(
        `This connection already holds ${this.limits.perSocket} subscriptions (MAX_SUBSCRIPTIONS_PER_SOCKET): complete one before starting another.`,
        this.limits.perSocket,
      );
    }
    const count = memberId ? (this.perMember.get(memberId) ?? 0) : 0;
    if (memberId && count >= this.limits.perMember) {
      return refusal(
        `You already hold ${this.limits.perMember} subscriptions across your connections (MAX_SUBSCRIPTIONS_PER_MEMBER): complete one before starting another.`,
        this.limits.perMember,
      );
    }
    held.set(id, memberId);
    if (memberId) this.perMember.set(memberId, count + 1);
    return null;
  }

  /** Gives back the slot of `id`, once however often it is called (completion and socket close both call it). */
  release(held: Map<string, string | null>, id: string): void {
    const memberId = held.get(id);
    if (!held.delete(id) || !memberId) return;
    const count = (this.perMember.get(memberId) ?? 1) - 1;
    if (count > 0) this.perMember.set(memberId, count);
    else this.perMember.delete(memberId);
  }
}

function refusal(message: string, limit: number): GraphQLError {
  return new GraphQLError(message, {
    originalError: new AppError(ErrorCode.RATE_LIMITED, message, { limit }),
    extensions: { code: ErrorCode.RATE_LIMITED },
  });
}

/** Releases every slot a closing socket still holds. */
export function releaseAll(quota: SubscriptionQuota, held: Map<string, string | null> | undefined): void {
  for (const id of [...(held?.keys() ?? [])]) quota.release(held!, id);
}
