import { EnvError, parseEnv, type Config } from './env';
import type { Logger } from './logger';

/** A start that cannot go on for a reason the operator can fix: printed as its one-line message, without a stack. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** The parsed config, or one line naming the bad variable and exit 1 (entry points only). */
export function configOrExit(check: (config: Config) => void = () => undefined): Config {
  try {
    const config = parseEnv();
    check(config);
    return config;
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * The longest a stop may take before the process exits anyway: orchestrators send SIGKILL after
 * their own grace period (Kubernetes: 30 s; `docker stop`: 10 s), and a process that hangs on a
 * dead dependency must not wait for it.
 */
export const SHUTDOWN_DEADLINE_MS = 9_500;

/**
 * SIGTERM/SIGINT: `stop` once (finish what is in hand), then exit 0; exit 1 if stopping failed or
 * outlived SHUTDOWN_DEADLINE_MS. A second signal (Ctrl-C twice) is ignored: the first is being handled.
 */
export function onShutdownSignals(stop: () => Promise<void>, logger: Logger, what: string, deadlineMs = SHUTDOWN_DEADLINE_MS): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `shutting down: ${what}`);
    setTimeout(() => {
      logger.error({ deadlineMs }, 'shutdown took too long: exiting anyway');
      process.exit(1);
    }, deadlineMs).unref();
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}

/**
 * Runs shutdown steps one after the other. A step that fails (its dependency is already gone) is
 * logged and the next one still runs, so every connection is closed; the whole stop then rejects.
 */
export async function stopInOrder(logger: Logger, steps: [name: string, stop: () => Promise<unknown>][]): Promise<void> {
  let failed = false;
  for (const [name, stop] of steps) {
    const started = performance.now();
    try {
      await stop();
      logger.debug({ step: name, ms: Math.round(performance.now() - started) }, 'stopped');
    } catch (err) {
      failed = true;
      logger.warn({ err, step: name }, 'a shutdown step failed; continuing');
    }
  }
  if (failed) throw new Error('some shutdown steps failed (logged above)');
}

/** Runs an entry point's `main`, printing what it throws (one line for a StartupError) and exiting 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof StartupError ? error.message : error);
    process.exit(1);
  });
}
