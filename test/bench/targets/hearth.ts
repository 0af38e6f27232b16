import path from 'node:path';
import { startHearth } from '../../../server/app';
import { parseEnv } from '../../../server/env';
import { issueJoinToken } from '../../../integrations/livekit/join-token';
import type { ResolverClass } from '../../../server/schema';
import { BENCH_LIVEKIT_ENV } from '../bench-env';
import { constantJoinResolver } from './constant-join.resolver';

/**
 * Child process: a real Hearth API on the bench database; reports its port to the parent.
 * With `constant-join` as its last argument it also serves `benchConstantJoin`, P6's baseline.
 */
async function main(): Promise<void> {
  const [databaseUrl, jwtSecret, variant] = process.argv.slice(2);
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
  if (variant === 'constant-join') {
    const roomName = 'session-constant';
    const { token, expiresAt } = await issueJoinToken(config.liveKit, {
      roomName,
      identity: 'bench',
      name: 'Bench',
      canPublish: false,
      ttlSeconds: 3600,
    });
    extraResolvers.push(constantJoinResolver({ serverUrl: config.liveKit.url, token, roomName, canPublish: false, expiresAt }));
  }
  // dist/test/bench/targets → dist/admin: the console as `npm run build` wrote it (A1).
  const adminDir = path.resolve(__dirname, '../../../admin');
  const hearth = await startHearth({ config, databaseUrl, rateLimits: {}, extraResolvers, adminDir });
  process.send!({ url: hearth.url });
  process.on('message', () => void hearth.stop().then(() => process.exit(0)));
}

void main();
