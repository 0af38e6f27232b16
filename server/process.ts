import { EnvError, parseEnv, type Config } from './env';
import type { Logger } from './logger';

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

/** SIGTERM/SIGINT: `stop` once (finish what is in hand), then exit 0, or 1 if stopping failed. */
export function onShutdownSignals(stop: () => Promise<void>, logger: Logger, what: string): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `shutting down: ${what}`);
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

/** Runs an entry point's `main`, printing what it throws and exiting 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
