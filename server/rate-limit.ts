import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { AppError, ErrorCode } from './errors';

export interface LimitRule {
  points: number;
  durationSeconds: number;
}

/** Named limits; each counts `points` per key over `durationSeconds`. */
export interface RateLimitPolicy {
  /** Keyed by email and client address: a guesser elsewhere never locks the owner out. */
  loginFailuresPerEmailAndIp: LimitRule;
  loginFailuresPerIp: LimitRule;
  signUpsPerIp: LimitRule;
  messagesPerMember: LimitRule;
  commentsPerMember: LimitRule;
  sessionChatPerMember: LimitRule;
  meetingRequestsPerMember: LimitRule;
  reportsPerMember: LimitRule;
}

export const defaultRateLimitPolicy: RateLimitPolicy = {
  loginFailuresPerEmailAndIp: { points: 10, durationSeconds: 15 * 60 },
  loginFailuresPerIp: { points: 100, durationSeconds: 60 * 60 },
  signUpsPerIp: { points: 30, durationSeconds: 60 * 60 },
  messagesPerMember: { points: 20, durationSeconds: 60 },
  commentsPerMember: { points: 10, durationSeconds: 60 },
  sessionChatPerMember: { points: 10, durationSeconds: 10 },
  /** A pair has one open request at a time anyway: this only stops asking everyone at once. */
  meetingRequestsPerMember: { points: 20, durationSeconds: 60 * 60 },
  /** Reports are read by people: a member flooding the queue is stopped, one who reports a few things in a row is not. */
  reportsPerMember: { points: 10, durationSeconds: 60 * 60 },
};

export type LimitName = keyof RateLimitPolicy;

function rateLimited(retryAfterMs: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError(ErrorCode.RATE_LIMITED, `Too many attempts. Try again in ${retryAfterSeconds} seconds.`, {
    retryAfterSeconds,
  });
}

/**
 * Counters shared by every API instance through Redis when it is configured (in memory otherwise),
 * so a limit cannot be dodged by hitting another instance. While Redis is unreachable each limit
 * falls back to a per-process counter (rate-limiter-flexible's insurance limiter): logins and
 * writes keep working, each instance enforcing the limit on its own. The Redis connection should
 * not queue commands (`enableOfflineQueue: false`) so that the fallback answers at once.
 */
export class RateLimits {
  private readonly limiters = new Map<LimitName, RateLimiterAbstract>();

  constructor(policy: Partial<RateLimitPolicy>, redis: Redis | undefined, keyPrefix = 'hearth:rl') {
    const merged = { ...defaultRateLimitPolicy, ...policy };
    for (const name of Object.keys(merged) as LimitName[]) {
      const { points, durationSeconds } = merged[name];
      const options = { points, duration: durationSeconds, keyPrefix: `${keyPrefix}:${name}` };
      const perProcess = new RateLimiterMemory(options);
      this.limiters.set(
        name,
        redis
          ? new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: perProcess })
          : perProcess,
      );
    }
  }

  private limiter(name: LimitName): RateLimiterAbstract {
    return this.limiters.get(name)!;
  }

  /** Counts one hit; throws RATE_LIMITED once the key is over its limit. */
  async consume(name: LimitName, key: string): Promise<void> {
    try {
      await this.limiter(name).consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw rateLimited(error.msBeforeNext);
      throw error;
    }
  }

  /** Throws RATE_LIMITED if the key already used its points, without counting a hit. */
  async assertUnder(name: LimitName, key: string): Promise<void> {
    const state = await this.limiter(name).get(key);
    if (state && state.remainingPoints <= 0) throw rateLimited(state.msBeforeNext);
  }

  async reset(name: LimitName, key: string): Promise<void> {
    await this.limiter(name).delete(key);
  }
}
