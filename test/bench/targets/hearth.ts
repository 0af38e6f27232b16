import { startHearth } from '../../../server/app';
import { parseEnv } from '../../../server/env';

/** Child process: a real Hearth API on the bench database; reports its port to the parent. */
async function main(): Promise<void> {
  const databaseUrl = process.argv[2];
  const config = parseEnv({
    NODE_ENV: 'production',
    PORT: '0',
    JWT_SECRET: process.argv[3],
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL,
    LOG_LEVEL: 'warn',
  });
  const hearth = await startHearth({ config, databaseUrl, rateLimits: {} });
  process.send!({ url: hearth.url });
  process.on('message', () => void hearth.stop().then(() => process.exit(0)));
}

void main();
