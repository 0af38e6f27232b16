import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LiveKitConfig } from '../integrations/livekit/livekit.config';
import { canonicalTimeZone } from './time';

/**
 * The only reader of process.env. Every variable is parsed and validated here, once, at start;
 * a bad value stops the process with one line naming the variable and what is wrong.
 */

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  /** Absent: Hearth starts an embedded PostgreSQL under `dataDir`. */
  databaseUrl?: string;
  /** Absent: pub/sub and rate limits stay in this process's memory. */
  redisUrl?: string;
  /** REDIS_KEY_PREFIX: this deployment's namespace on Redis (pub/sub channels, rate-limit counters); API and workers share it. */
  redisKeyPrefix: string;
  jwtSecret: string;
  publicUrl: string;
  communityName: string;
  communityTimezone: string;
  /** The community's default language (COMMUNITY_LOCALE): search stems words in it; `en` or `fr`. */
  communityLocale: CommunityLocale;
  adminEmail?: string;
  adminPassword?: string;
  seedDemo: boolean;
  logLevel: LogLevel;
  /** Project-local folder for the embedded database, the dev JWT secret and the email outbox. */
  dataDir: string;
  /** Port of the embedded PostgreSQL (only used without DATABASE_URL); unset: 54329, or a free port when that one is taken. */
  embeddedPostgresPort?: number;
  /** How long a request may wait for a database connection (pool queue plus connecting) before SERVICE_UNAVAILABLE. */
  databaseAcquireTimeoutMs: number;
  /** How long one SQL statement may run (PostgreSQL cancels it; the client gives up shortly after if the server does not answer). */
  databaseStatementTimeoutMs: number;
  /** How often coalesced visit activity is written to the database. */
  visitFlushMs: number;
  /** Absent: emails are written as .eml files under `<dataDir>/outbox`. */
  smtpUrl?: string;
  mailFrom: string;
  /** A member gets at most one digest per this many days, across all rules. */
  digestMinIntervalDays: number;
  /** How often engagement rules are evaluated, in milliseconds. */
  rulesEveryMs: number;
  /** Members per send-digest job. */
  digestBatchSize: number;
  /** How long a worker owns a job (and a digest it is sending) before another may take it over. */
  jobLockLifetimeMs: number;
  /** Run the Agenda worker inside the API process (the one-command embedded default). */
  workerInProcess: boolean;
  /** WEB_CONCURRENCY: API processes `npm start` runs on one port (one per core in production; server/cluster.ts). */
  webConcurrency: number;
  /** How long a just-rotated refresh token still returns the pair it was rotated to (concurrent refreshes), in ms; 0: never. */
  refreshTokenGraceMs: number;
  /** Origins (exact, or with `*` for a port or a subdomain) whose pages may call the API from a browser. */
  corsOrigins: string[];
  /** LiveKit server and API credentials (defaults: `livekit-server --dev`, outside production only). */
  liveKit: LiveKitConfig;
  /** Where the API calls LiveKit's server APIs (egress); defaults to LIVEKIT_URL. Differs when clients and API reach LiveKit by different hosts. */
  liveKitApiUrl: string;
  /** Answer `__schema` and `__type` (GRAPHQL_INTROSPECTION); off by default in production. */
  introspection: boolean;
  /** What executes HTTP queries (GRAPHQL_EXECUTOR): `jit` compiles each query with graphql-jit; `graphql-js` runs everything on graphql-js. */
  graphqlExecutor: GraphQLExecutor;
  /** Call plain field resolvers directly, past type-graphql's wrappers (DIRECT_FIELD_RESOLVERS; server/type-graphql-adapter.ts). */
  directFieldResolvers: boolean;
  /** Subscriptions one WebSocket may hold at once. */
  maxSubscriptionsPerSocket: number;
  /** Subscriptions one member may hold at once across their sockets on one instance. */
  maxSubscriptionsPerMember: number;
  /** Distinct reporters after which reported content, a comment or a message is hidden until a moderator decides; 0: never automatically. */
  moderationAutoHideReporters: number;
}

export const COMMUNITY_LOCALES = ['en', 'fr'] as const;
export type CommunityLocale = (typeof COMMUNITY_LOCALES)[number];

export const GRAPHQL_EXECUTORS = ['jit', 'graphql-js'] as const;
export type GraphQLExecutor = (typeof GRAPHQL_EXECUTORS)[number];

export class EnvError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid environment: ${variable} ${problem}`);
    this.name = 'EnvError';
  }
}

type Source = Record<string, string | undefined>;

function read(source: Source, name: string): string | undefined {
  const value = source[name]?.trim();
  return value === '' ? undefined : value;
}

function parseInteger(source: Source, name: string, fallback: number, min: number, max: number): number {
  const raw = read(source, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw new EnvError(name, `must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

function parseBoolean(source: Source, name: string, fallback: boolean): boolean {
  const raw = read(source, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new EnvError(name, `must be true or false (got "${raw}")`);
}

function parseUrl(source: Source, name: string, protocols: string[]): string | undefined {
  const raw = read(source, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EnvError(name, 'must be a URL');
  }
  if (!protocols.includes(url.protocol)) {
    throw new EnvError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')} (got "${url.protocol}//")`);
  }
  return raw;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration such as `15m`, `30s`, `2h` or a number of milliseconds. */
function parseDuration(source: Source, name: string, fallback: number, minMs: number, maxMs = Number.POSITIVE_INFINITY): number {
  const raw = read(source, name);
  if (raw === undefined) return fallback;
  const match = /^(\d+)\s*(ms|s|m|h|d)?$/.exec(raw);
  const value = match ? Number(match[1]) * DURATION_UNITS[match[2] ?? 'ms'] : NaN;
  if (!(value >= minMs)) throw new EnvError(name, `must be a duration of at least ${minMs} ms such as 15m, 30s or 2h (got "${raw}")`);
  if (value > maxMs) throw new EnvError(name, `must be at most ${maxMs / 1000} s (got "${raw}")`);
  return value;
}

/** `https://app.example.com`, `http://localhost:*` (any port), `https://*.example.com` (any subdomain), or `*` (any origin). */
const ORIGIN_PATTERN = /^(\*|https?:\/\/(\*\.)?[a-z0-9.-]+(\[[0-9a-f:]+\])?(:(\d{1,5}|\*))?)$/i;

/**
 * Browser origins allowed to call the API. By default the front end's (PUBLIC_URL's) origin and,
 * outside production, any `http://localhost` or `http://127.0.0.1` port for local front ends and
 * Apollo Sandbox.
 */
function parseCorsOrigins(source: Source, nodeEnv: Config['nodeEnv'], publicUrl: string): string[] {
  const raw = read(source, 'CORS_ORIGINS');
  if (raw === undefined) {
    // Apollo Sandbox (the IDE at /graphql) calls the API from its own origin.
    const local = nodeEnv === 'production' ? [] : ['http://localhost:*', 'http://127.0.0.1:*', 'https://sandbox.embed.apollographql.com'];
    return [new URL(publicUrl).origin, ...local];
  }
  const origins = raw
    .split(',')
    .map((origin) => origin.trim().replace(/\/$/, ''))
    .filter(Boolean);
  const invalid = origins.find((origin) => !ORIGIN_PATTERN.test(origin));
  if (invalid !== undefined || !origins.length) {
    throw new EnvError(
      'CORS_ORIGINS',
      `must be a comma-separated list of origins such as https://app.example.com or http://localhost:* (got "${invalid ?? raw}")`,
    );
  }
  return origins;
}

function parseMailFrom(source: Source, communityName: string): string {
  const raw = read(source, 'MAIL_FROM');
  if (raw === undefined) return `"${communityName.replace(/"/g, '')}" <no-reply@hearth.localhost>`;
  if (!/<[^\s@]+@[^\s@]+>$|^[^\s@<]+@[^\s@>]+$/.test(raw)) {
    throw new EnvError('MAIL_FROM', `must be an address such as "Community <news@example.com>" (got "${raw}")`);
  }
  return raw;
}

function parseLocale(source: Source, name: string): CommunityLocale {
  const raw = read(source, name)?.toLowerCase() ?? 'en';
  if (!(COMMUNITY_LOCALES as readonly string[]).includes(raw)) {
    throw new EnvError(name, `must be one of ${COMMUNITY_LOCALES.join(', ')} (got "${raw}")`);
  }
  return raw as CommunityLocale;
}

export const DEFAULT_REDIS_KEY_PREFIX = 'hearth';

/** Letters, digits and `_ . : -`, at most 64: it starts every channel and key name. */
function parseRedisKeyPrefix(source: Source): string {
  const raw = read(source, 'REDIS_KEY_PREFIX') ?? DEFAULT_REDIS_KEY_PREFIX;
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(raw)) {
    throw new EnvError('REDIS_KEY_PREFIX', `must be 1 to 64 letters, digits, "_", ".", ":" or "-" (got "${raw}")`);
  }
  return raw;
}

function parseChoice<T extends string>(source: Source, name: string, choices: readonly T[], fallback: T): T {
  const raw = read(source, name)?.toLowerCase() ?? fallback;
  if (!(choices as readonly string[]).includes(raw)) throw new EnvError(name, `must be one of ${choices.join(', ')} (got "${raw}")`);
  return raw as T;
}

/** The same rule as a member's timeZone: an IANA zone (not an offset such as "+01:00", which PostgreSQL reads with the opposite sign), spelled as Intl spells it. */
function parseTimezone(source: Source, name: string): string {
  const raw = read(source, name) ?? 'UTC';
  const zone = canonicalTimeZone(raw);
  if (!zone) throw new EnvError(name, `must be an IANA time zone such as Europe/Paris (got "${raw}")`);
  return zone;
}

/** `livekit-server --dev` listens on ws://localhost:7880 with the key `devkey` and secret `secret`. */
function parseLiveKit(source: Source, nodeEnv: Config['nodeEnv']): LiveKitConfig {
  const url = parseUrl(source, 'LIVEKIT_URL', ['ws:', 'wss:', 'http:', 'https:']);
  const apiKey = read(source, 'LIVEKIT_API_KEY');
  const apiSecret = read(source, 'LIVEKIT_API_SECRET');
  if (nodeEnv === 'production') {
    for (const [name, value] of [
      ['LIVEKIT_URL', url],
      ['LIVEKIT_API_KEY', apiKey],
      ['LIVEKIT_API_SECRET', apiSecret],
    ]) {
      if (value === undefined) throw new EnvError(name!, 'is required when NODE_ENV=production');
    }
  }
  return { url: url ?? 'ws://localhost:7880', apiKey: apiKey ?? 'devkey', apiSecret: apiSecret ?? 'secret' };
}

function parseEmail(source: Source, name: string): string | undefined {
  const raw = read(source, name);
  if (raw !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(raw)) {
    throw new EnvError(name, `must be an email address (got "${raw}")`);
  }
  return raw?.toLowerCase();
}

/** In development the secret is generated once and kept, so sessions survive restarts. */
function developmentJwtSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** API processes; more than one are instances that must share pub/sub and cache invalidation through Redis. */
function parseWebConcurrency(source: Source): number {
  const processes = parseInteger(source, 'WEB_CONCURRENCY', 1, 1, 64);
  if (processes > 1 && read(source, 'REDIS_URL') === undefined)
    throw new EnvError(
      'WEB_CONCURRENCY',
      'above 1 needs REDIS_URL: the API processes share subscriptions and cache invalidation through Redis',
    );
  return processes;
}

function parseJwtSecret(source: Source, nodeEnv: Config['nodeEnv'], dataDir: string): string {
  const raw = read(source, 'JWT_SECRET');
  if (raw !== undefined) {
    if (raw.length < 32) throw new EnvError('JWT_SECRET', 'must be at least 32 characters long');
    return raw;
  }
  if (nodeEnv === 'production') throw new EnvError('JWT_SECRET', 'is required when NODE_ENV=production');
  return developmentJwtSecret(dataDir);
}

export function parseEnv(source: Source = process.env, cwd = process.cwd()): Config {
  const nodeEnvRaw = read(source, 'NODE_ENV') ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnvRaw)) {
    throw new EnvError('NODE_ENV', `must be development, production or test (got "${nodeEnvRaw}")`);
  }
  const nodeEnv = nodeEnvRaw as Config['nodeEnv'];
  const dataDir = path.resolve(cwd, read(source, 'HEARTH_DATA_DIR') ?? '.hearth');
  const port = parseInteger(source, 'PORT', 4000, 0, 65535);
  const databaseUrl = parseUrl(source, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const logLevel = (read(source, 'LOG_LEVEL') ?? (nodeEnv === 'test' ? 'silent' : 'info')) as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new EnvError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }
  const adminEmail = parseEmail(source, 'HEARTH_ADMIN_EMAIL');
  const adminPassword = read(source, 'HEARTH_ADMIN_PASSWORD');
  if (adminPassword !== undefined && adminPassword.length < 10) {
    throw new EnvError('HEARTH_ADMIN_PASSWORD', 'must be at least 10 characters long');
  }
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    throw new EnvError(adminEmail ? 'HEARTH_ADMIN_PASSWORD' : 'HEARTH_ADMIN_EMAIL', 'must be set together with its pair');
  }
  const seedDemo = parseBoolean(source, 'HEARTH_SEED_DEMO', databaseUrl === undefined);
  if (seedDemo && nodeEnv === 'production') {
    throw new EnvError('HEARTH_SEED_DEMO', 'cannot be true when NODE_ENV=production (demo logins share one password)');
  }
  const communityName = read(source, 'COMMUNITY_NAME') ?? 'Hearth Community';
  const jwtSecret = parseJwtSecret(source, nodeEnv, dataDir);
  const liveKit = parseLiveKit(source, nodeEnv);
  const publicUrl = (parseUrl(source, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/$/, '');
  return {
    nodeEnv,
    port,
    databaseUrl,
    redisUrl: parseUrl(source, 'REDIS_URL', ['redis:', 'rediss:']),
    redisKeyPrefix: parseRedisKeyPrefix(source),
    jwtSecret,
    publicUrl,
    communityName,
    communityTimezone: parseTimezone(source, 'COMMUNITY_TIMEZONE'),
    communityLocale: parseLocale(source, 'COMMUNITY_LOCALE'),
    adminEmail,
    adminPassword,
    seedDemo,
    logLevel,
    dataDir,
    embeddedPostgresPort:
      read(source, 'EMBEDDED_POSTGRES_PORT') === undefined ? undefined : parseInteger(source, 'EMBEDDED_POSTGRES_PORT', 54329, 1024, 65535),
    databaseAcquireTimeoutMs: parseDuration(source, 'DATABASE_ACQUIRE_TIMEOUT', 5_000, 100),
    databaseStatementTimeoutMs: parseDuration(source, 'DATABASE_STATEMENT_TIMEOUT', 10_000, 100),
    visitFlushMs: parseInteger(source, 'VISIT_FLUSH_MS', 5000, 100, 600000),
    smtpUrl: parseUrl(source, 'SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: parseMailFrom(source, communityName),
    digestMinIntervalDays: parseInteger(source, 'DIGEST_MIN_INTERVAL_DAYS', 2, 0, 365),
    rulesEveryMs: parseDuration(source, 'RULES_EVERY', 15 * 60_000, 100),
    digestBatchSize: parseInteger(source, 'DIGEST_BATCH_SIZE', 100, 1, 10_000),
    jobLockLifetimeMs: parseDuration(source, 'JOB_LOCK_LIFETIME', 10 * 60_000, 500),
    workerInProcess: parseBoolean(source, 'HEARTH_WORKER_IN_PROCESS', databaseUrl === undefined),
    webConcurrency: parseWebConcurrency(source),
    refreshTokenGraceMs: parseDuration(source, 'REFRESH_TOKEN_GRACE', 30_000, 0, 5 * 60_000),
    corsOrigins: parseCorsOrigins(source, nodeEnv, publicUrl),
    liveKit,
    liveKitApiUrl: parseUrl(source, 'LIVEKIT_API_URL', ['ws:', 'wss:', 'http:', 'https:']) ?? liveKit.url,
    introspection: parseBoolean(source, 'GRAPHQL_INTROSPECTION', nodeEnv !== 'production'),
    graphqlExecutor: parseChoice(source, 'GRAPHQL_EXECUTOR', GRAPHQL_EXECUTORS, 'jit'),
    directFieldResolvers: parseBoolean(source, 'DIRECT_FIELD_RESOLVERS', true),
    maxSubscriptionsPerSocket: parseInteger(source, 'MAX_SUBSCRIPTIONS_PER_SOCKET', 50, 1, 10_000),
    maxSubscriptionsPerMember: parseInteger(source, 'MAX_SUBSCRIPTIONS_PER_MEMBER', 100, 1, 100_000),
    moderationAutoHideReporters: parseInteger(source, 'MODERATION_AUTO_HIDE_REPORTERS', 3, 0, 1000),
  };
}
