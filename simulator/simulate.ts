import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startEmbeddedPostgres } from '../server/db/embedded';
import { parseEnv } from '../server/env';
import { createLogger } from '../server/logger';
import { renderReport } from './report';
import { runWorld, type WorldOptions, type WorldResult } from './world';
import type { WorldProcessMessage } from './world-process';

export interface SimulationOptions extends Omit<WorldOptions, 'adminUrl' | 'effect'> {
  effect: number;
  /** Run the world without the effect in a child process, at the same time as the other (default true): two cores instead of one. */
  parallel?: boolean;
}

export interface SimulationResult {
  options: SimulationOptions;
  /** Average effect on the treated, per measured selection: with effect minus without, same members, same streams. */
  trueLift: number;
  /** The same for the first evaluation's selections only (those the preview's minimum detectable lift is about). */
  trueFirstRoundLift: number;
  withEffect: WorldResult;
  /** Null when effect is 0: both worlds are then the same world, and the true lift is exactly 0. */
  withoutEffect: WorldResult | null;
  seconds: number;
  summary: {
    trueLift: number;
    estimatedLift: number | null;
    ciLow: number | null;
    ciHigh: number | null;
    covered: boolean;
    treated: number;
    heldOut: number;
  };
}

/**
 * Runs the community twice on the same seed, with the effect and without it, each through Hearth's
 * real code on its own fresh database (see world.ts), and compares Hearth's estimate with the truth.
 */
export async function runSimulation(adminUrl: string, options: SimulationOptions): Promise<SimulationResult> {
  const started = Date.now();
  const { parallel = true, ...worldOptions } = options;
  const withEffectOptions: WorldOptions = {
    ...worldOptions,
    adminUrl,
    log: options.log && ((line) => options.log!(`[effect ${options.effect}] ${line}`)),
  };
  const withoutEffectOptions: WorldOptions = {
    ...worldOptions,
    adminUrl,
    effect: 0,
    log: options.log && ((line) => options.log!(`[no effect] ${line}`)),
  };
  let withEffect: WorldResult;
  let withoutEffect: WorldResult | null = null;
  if (options.effect === 0) withEffect = await runWorld(withEffectOptions);
  else if (!parallel) {
    withEffect = await runWorld(withEffectOptions);
    withoutEffect = await runWorld(withoutEffectOptions);
  } else {
    // Both settled before either error is thrown: a failed world does not leave the other running.
    const [a, b] = await Promise.allSettled([runWorld(withEffectOptions), runWorldInProcess(withoutEffectOptions)]);
    if (a.status === 'rejected') throw a.reason;
    if (b.status === 'rejected') throw b.reason;
    [withEffect, withoutEffect] = [a.value, b.value];
  }
  const treatedMean = (world: WorldResult | null, key: 'stats' | 'firstRound') => (world ? (world[key].treatedMeanVisitDays ?? 0) : null);
  const trueLift = withoutEffect ? treatedMean(withEffect, 'stats')! - treatedMean(withoutEffect, 'stats')! : 0;
  const trueFirstRoundLift = withoutEffect ? treatedMean(withEffect, 'firstRound')! - treatedMean(withoutEffect, 'firstRound')! : 0;
  const { stats } = withEffect;
  const ci = stats.liftConfidenceInterval as { low: number; high: number } | null;
  return {
    options,
    trueLift,
    trueFirstRoundLift,
    withEffect,
    withoutEffect,
    seconds: (Date.now() - started) / 1000,
    summary: {
      trueLift,
      estimatedLift: stats.lift,
      ciLow: ci?.low ?? null,
      ciHigh: ci?.high ?? null,
      covered: ci !== null && ci.low <= trueLift && trueLift <= ci.high,
      treated: stats.treatedSelections,
      heldOut: stats.heldOutSelections,
    },
  };
}

/** The compiled world-process.js: next to this file when it runs from dist, else (jest, from the sources) in dist. */
function worldProcessScript(): string {
  const beside = path.join(__dirname, 'world-process.js');
  return existsSync(beside) ? beside : path.resolve(__dirname, '..', 'dist', 'simulator', 'world-process.js');
}

/** runWorld in a child process (world-process.ts), same options, same result. */
function runWorldInProcess({ log, ...options }: WorldOptions): Promise<WorldResult> {
  return new Promise((resolve, reject) => {
    // The environment as this process reads it (NODE_ENV decides React's build): under jest that is
    // the test file's own copy, which fork would not pass on by itself.
    const child = fork(worldProcessScript(), [], {
      env: process.env,
      execArgv: ['--enable-source-maps'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let outcome: WorldProcessMessage | null = null;
    child.on('message', (message: WorldProcessMessage) => {
      if ('log' in message) log?.(message.log);
      else outcome = message;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (outcome && 'result' in outcome) resolve(outcome.result);
      else
        reject(
          new Error(
            outcome && 'error' in outcome
              ? `world without the effect: ${outcome.error}`
              : `world process ended (${signal ?? code}) without a result`,
          ),
        );
    });
    child.send(options);
  });
}

/** The PostgreSQL server to create the simulation's databases on (DATABASE_URL's, or the embedded one), and REDIS_URL when set. */
export async function simulationDatabase(): Promise<{ adminUrl: string; redisUrl?: string; stop(): Promise<void> }> {
  // Where the simulation's databases go, not a deployment's settings: `npm run simulate` runs with
  // NODE_ENV=production (React's production build renders the digests, as in Hearth's image),
  // which would otherwise ask for a deployment's secrets here.
  const config = parseEnv({ ...process.env, NODE_ENV: 'test' });
  const { redisUrl } = config;
  if (config.databaseUrl) return { adminUrl: config.databaseUrl, redisUrl, stop: async () => undefined };
  const embedded = await startEmbeddedPostgres({ folder: path.join(config.dataDir, 'simulate'), logger: createLogger('warn') });
  return { adminUrl: embedded.url, redisUrl, stop: () => embedded.stop() };
}

export function parseArgs(argv: string[]): SimulationOptions & { json: boolean; out: string } {
  const flags = new Map<string, string>();
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg.startsWith('--')) flags.set(arg.slice(2), argv[++i]);
    else throw new Error(`Unexpected argument ${arg}`);
  }
  const number = (name: string, fallback: number, min: number, max: number) => {
    const raw = flags.get(name);
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(value) || value < min || value > max)
      throw new Error(`--${name} must be a number from ${min} to ${max} (got ${raw})`);
    return value;
  };
  const weeks = number('weeks', 12, 2, 52);
  return {
    members: number('members', 5000, 10, 100_000),
    weeks,
    effect: number('effect', 0.15, 0, 10),
    holdout: number('holdout', 20, 1, 50),
    seed: number('seed', 1, 0, 2 ** 31),
    horizonDays: number('horizon', weeks >= 8 ? 14 : 7, 1, 90),
    warmupWeeks: number('warmup', weeks >= 8 ? 4 : 1, 0, weeks - 1),
    concurrency: number('concurrency', 32, 1, 64),
    parallel: number('parallel', 1, 0, 1) === 1,
    json,
    out: flags.get('out') ?? path.join('.hearth', 'simulate'),
  };
}

async function main() {
  const { json, out, ...options } = parseArgs(process.argv.slice(2));
  const log = (line: string) => console.error(line);
  const database = await simulationDatabase();
  try {
    const result = await runSimulation(database.adminUrl, { ...options, log, redisUrl: database.redisUrl });
    const name = `simulate-m${options.members}-w${options.weeks}-e${options.effect}-h${options.holdout}-s${options.seed}`;
    await mkdir(out, { recursive: true });
    const { markdown, svg } = renderReport(result, `${name}.svg`);
    await writeFile(path.join(out, `${name}.md`), markdown);
    await writeFile(path.join(out, `${name}.svg`), svg);
    if (!json) console.log(`${markdown}\nReport: ${path.join(out, `${name}.md`)}`);
    if (json) console.log(JSON.stringify(result.summary));
  } finally {
    await database.stop();
  }
}

if (process.argv[1]?.endsWith('simulate.js')) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
