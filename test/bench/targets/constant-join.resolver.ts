import { Arg, Authorized, ID, Mutation, Resolver } from 'type-graphql';
import { LiveJoin } from '../../../schema/live/live.types';
import type { ResolverClass } from '../../../server/schema';

/**
 * A constant LiveJoin, signed once at start: the P6 baseline for joinLiveSession on the same stack.
 * `join()` answers it (set once the server has started: it is a real join, see hearth.ts).
 */
export function constantJoinResolver(join: () => LiveJoin): ResolverClass {
  @Resolver()
  class BenchConstantJoinResolver {
    @Authorized()
    @Mutation(() => LiveJoin)
    benchConstantJoin(@Arg('sessionId', () => ID) sessionId: string): LiveJoin {
      void sessionId;
      return join();
    }
  }
  return BenchConstantJoinResolver;
}
