import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EnvError, parseEnv } from './env';

/** The folders this file made: removed once it is done, so a run leaves nothing in the temporary folder. */
const made: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hearth-env-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const parse = (source: Record<string, string>) => parseEnv({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32), ...source }, tempDir());

function errorOf(source: Record<string, string>): EnvError {
  try {
    parse(source);
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(source)} to be refused`);
}

describe('parseEnv', () => {
  it('applies the documented defaults', () => {
    const config = parse({});
    expect(config).toMatchObject({
      port: 4000,
      communityTimezone: 'UTC',
      communityLocale: 'en',
      communityName: 'Hearth Community',
      seedDemo: true,
      databaseUrl: undefined,
      redisUrl: undefined,
    });
    expect(parse({ DATABASE_URL: 'postgres://u@h/db' }).seedDemo).toBe(false);
    expect(parse({ COMMUNITY_LOCALE: 'FR' }).communityLocale).toBe('fr');
    expect(parse({}).graphqlExecutor).toBe('jit');
    expect(parse({ GRAPHQL_EXECUTOR: 'graphql-js' }).graphqlExecutor).toBe('graphql-js');
    expect([parse({}).directFieldResolvers, parse({ DIRECT_FIELD_RESOLVERS: 'false' }).directFieldResolvers]).toEqual([true, false]);
    expect(parse({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
  });

  it.each([
    [{ PORT: 'abc' }, 'Invalid environment: PORT must be a whole number from 0 to 65535 (got "abc")'],
    [{ PORT: '70000' }, 'Invalid environment: PORT must be a whole number from 0 to 65535 (got "70000")'],
    [{ DATABASE_URL: 'mysql://x/y' }, 'Invalid environment: DATABASE_URL must start with postgres:// or postgresql:// (got "mysql://")'],
    [{ REDIS_URL: 'http://x' }, 'Invalid environment: REDIS_URL must start with redis:// or rediss:// (got "http://")'],
    [
      { COMMUNITY_TIMEZONE: 'Mars/Base' },
      'Invalid environment: COMMUNITY_TIMEZONE must be an IANA time zone such as Europe/Paris (got "Mars/Base")',
    ],
    [
      { COMMUNITY_TIMEZONE: '+01:00' },
      'Invalid environment: COMMUNITY_TIMEZONE must be an IANA time zone such as Europe/Paris (got "+01:00")',
    ],
    [{ COMMUNITY_LOCALE: 'de' }, 'Invalid environment: COMMUNITY_LOCALE must be one of en, fr (got "de")'],
    [{ GRAPHQL_EXECUTOR: 'fast' }, 'Invalid environment: GRAPHQL_EXECUTOR must be one of jit, graphql-js (got "fast")'],
    [{ LOG_LEVEL: 'loud' }, 'Invalid environment: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
    [{ HEARTH_SEED_DEMO: 'maybe' }, 'Invalid environment: HEARTH_SEED_DEMO must be true or false (got "maybe")'],
    [{ JWT_SECRET: 'short' }, 'Invalid environment: JWT_SECRET must be at least 32 characters long'],
    [{ HEARTH_ADMIN_EMAIL: 'admin@example.com' }, 'Invalid environment: HEARTH_ADMIN_PASSWORD must be set together with its pair'],
    [
      { HEARTH_ADMIN_EMAIL: 'not-an-email', HEARTH_ADMIN_PASSWORD: 'long-enough-pw' },
      'Invalid environment: HEARTH_ADMIN_EMAIL must be an email address (got "not-an-email")',
    ],
    [{ NODE_ENV: 'staging' }, 'Invalid environment: NODE_ENV must be development, production or test (got "staging")'],
    [{ REFRESH_TOKEN_GRACE: '10m' }, 'Invalid environment: REFRESH_TOKEN_GRACE must be at most 300 s (got "10m")'],
    [
      { CORS_ORIGINS: 'app.example.com' },
      'Invalid environment: CORS_ORIGINS must be a comma-separated list of origins such as https://app.example.com or http://localhost:* (got "app.example.com")',
    ],
    [
      { CORS_ORIGINS: 'https://app.example.com/path' },
      'Invalid environment: CORS_ORIGINS must be a comma-separated list of origins such as https://app.example.com or http://localhost:* (got "https://app.example.com/path")',
    ],
  ])('refuses %j with a message naming the variable', (source, message) => {
    expect(errorOf(source).message).toBe(message);
  });

  it('allows the front end (PUBLIC_URL) and, outside production, local ports and Apollo Sandbox to call from a browser', () => {
    expect(parse({ PUBLIC_URL: 'https://community.example.com/app' }).corsOrigins).toEqual([
      'https://community.example.com',
      'http://localhost:*',
      'http://127.0.0.1:*',
      'https://sandbox.embed.apollographql.com',
    ]);
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(32),
      DATABASE_URL: 'postgres://u@h/db',
      LIVEKIT_URL: 'wss://l',
      LIVEKIT_API_KEY: 'k',
      LIVEKIT_API_SECRET: 's',
    };
    expect(parseEnv({ ...production, PUBLIC_URL: 'https://community.example.com' }, tempDir()).corsOrigins).toEqual([
      'https://community.example.com',
    ]);
    expect(parse({ CORS_ORIGINS: 'https://app.example.com/, https://*.example.org, http://localhost:5173' }).corsOrigins).toEqual([
      'https://app.example.com',
      'https://*.example.org',
      'http://localhost:5173',
    ]);
    expect(parse({}).refreshTokenGraceMs).toBe(30_000);
    expect(parse({ REFRESH_TOKEN_GRACE: '0' }).refreshTokenGraceMs).toBe(0);
  });

  it('defaults LiveKit to livekit-server --dev outside production and requires it in production', () => {
    expect(parseEnv({ NODE_ENV: 'development' }, tempDir()).liveKit).toEqual({
      url: 'ws://localhost:7880',
      apiKey: 'devkey',
      apiSecret: 'secret',
    });
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgres://u@h/db' };
    expect(() => parseEnv(production, tempDir())).toThrow('Invalid environment: LIVEKIT_URL is required when NODE_ENV=production');
    const configured = parseEnv(
      { ...production, LIVEKIT_URL: 'wss://live.example.com', LIVEKIT_API_KEY: 'APIk', LIVEKIT_API_SECRET: 's'.repeat(40) },
      tempDir(),
    );
    expect(configured.liveKit).toEqual({ url: 'wss://live.example.com', apiKey: 'APIk', apiSecret: 's'.repeat(40) });
    expect(configured.liveKitApiUrl).toBe('wss://live.example.com');
    expect(() => parseEnv({ NODE_ENV: 'development', LIVEKIT_URL: 'ftp://x' }, tempDir())).toThrow('LIVEKIT_URL must start with');
  });

  it('requires JWT_SECRET in production and refuses demo data there', () => {
    expect(() => parseEnv({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u@h/db' }, tempDir())).toThrow(
      'JWT_SECRET is required when NODE_ENV=production',
    );
    expect(() => parseEnv({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }, tempDir())).toThrow(
      /HEARTH_SEED_DEMO cannot be true when NODE_ENV=production/,
    );
  });

  it('runs one API process unless WEB_CONCURRENCY says more, which needs REDIS_URL', () => {
    expect(parse({}).webConcurrency).toBe(1);
    expect(parse({ WEB_CONCURRENCY: '2', REDIS_URL: 'redis://127.0.0.1:6379' }).webConcurrency).toBe(2);
    expect(errorOf({ WEB_CONCURRENCY: '2' }).message).toMatch(/WEB_CONCURRENCY above 1 needs REDIS_URL/);
    expect(errorOf({ WEB_CONCURRENCY: '0', REDIS_URL: 'redis://127.0.0.1:6379' }).variable).toBe('WEB_CONCURRENCY');
  });

  it('namespaces the deployment on Redis with REDIS_KEY_PREFIX, hearth by default', () => {
    expect(parse({}).redisKeyPrefix).toBe('hearth');
    expect(parse({ REDIS_KEY_PREFIX: 'acme-staging:v2' }).redisKeyPrefix).toBe('acme-staging:v2');
    expect(errorOf({ REDIS_KEY_PREFIX: 'has space' }).message).toBe(
      'Invalid environment: REDIS_KEY_PREFIX must be 1 to 64 letters, digits, "_", ".", ":" or "-" (got "has space")',
    );
    expect(errorOf({ REDIS_KEY_PREFIX: 'x'.repeat(65) }).variable).toBe('REDIS_KEY_PREFIX');
  });

  it('generates the development JWT secret once and keeps it under .hearth/', () => {
    const cwd = tempDir();
    const first = parseEnv({ NODE_ENV: 'development' }, cwd);
    expect(first.jwtSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(path.join(cwd, '.hearth', 'jwt-secret'), 'utf8')).toBe(first.jwtSecret);
    expect(parseEnv({ NODE_ENV: 'development' }, cwd).jwtSecret).toBe(first.jwtSecret);
  });
});

describe('the API entry point with a bad variable', () => {
  // dist/ is built from the current sources once, by test/global-setup.ts.
  const root = path.resolve(__dirname, '..');

  it('exits 1 printing one line that names the variable', () => {
    const result = spawnSync(process.execPath, ['dist/server/api.js'], {
      cwd: root,
      env: { PATH: process.env.PATH, PORT: 'abc' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('Invalid environment: PORT must be a whole number from 0 to 65535 (got "abc")');
  });
});
