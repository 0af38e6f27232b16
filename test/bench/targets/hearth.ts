import path from 'node:path';
import { startHearth } from '../../../server/app';
import { parseEnv } from '../../../server/env';
import type { EntityManager } from '@mikro-orm/postgresql';
import { membersByIds } from '../../../schema/identity/identity.queries';
import { LiveJoinService } from '../../../schema/live/sessions/live-join.service';
import type { LiveJoin } from '../../../schema/live/live.types';
import type { ResolverClass } from '../../../server/schema';
import { BENCH_LIVEKIT_ENV } from '../bench-env';
import { constantJoinResolver } from './constant-join.resolver';

/**
 * Child process: a real Hearth API on the bench database; reports its port to the parent.
 * With `constant-join <sessionId> <memberId>` after them it also serves `benchConstantJoin`, P6's
 * baseline: that member's join of that session, made once.
 */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const [databaseUrl, jwtSecret, variant] = argv;
  const config = parseEnv({
    NODE_ENV: 'production',
    PORT: '0',
    JWT_SECRET: jwtSecret,
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL,
    LOG_LEVEL: 'info', // as shipped: a line per request, paid as in production
    // P4 raises it at 5M visits, as README tells an operator of a very large community to.
    DATABASE_STATEMENT_TIMEOUT: process.env.DATABASE_STATEMENT_TIMEOUT,
    ...BENCH_LIVEKIT_ENV,
  });
  const extraResolvers: ResolverClass[] = [];
  let constantJoin: LiveJoin | undefined;
  if (variant === 'constant-join') extraResolvers.push(constantJoinResolver(() => constantJoin!));
  // dist/test/bench/targets → dist/admin: the console as `npm run build` wrote it (A1).
  const adminDir = path.resolve(__dirname, '../../../admin');
  const hearth = await startHearth({ config, databaseUrl, rateLimits: {}, extraResolvers, adminDir });
  if (variant === 'constant-join') {
    // One real join of the session, by one of the load's members, signed once: the baseline
    // answers the very JSON (same room, identity, name and metadata, so the same size) a join
    // answers, without deciding admission or signing per request.
    const [sessionId, memberId] = argv.slice(3);
    const [member] = await membersByIds(hearth.deps.orm.em.fork() as EntityManager, [memberId]);
    constantJoin = await new LiveJoinService(hearth.deps).join(member, sessionId);
  }
  process.send!({ url: hearth.url });
  process.on('message', () => void hearth.stop().then(() => process.exit(0)));
}

void main();
