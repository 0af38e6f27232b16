import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './env';

export type { Logger };

/**
 * Log lines wait until this many bytes have come, or FLUSH_EVERY_MS has passed, and are then
 * written together…
 */
const CHUNK_BYTES = 3072;
/** …in writes of whole lines of at most PIPE_BUF bytes, which Linux keeps whole on a pipe shared with other processes. */
const PIPE_BUF = 4096;
const FLUSH_EVERY_MS = 250;

let standardOutput: DestinationStream | undefined;

/**
 * Standard output for every logger of the process, written a chunk of lines at a time rather than
 * a write per line: an API process logs a line per request (the `operation` line), and writing
 * each one was 7% of the API's time on P3's view ingest (test/bench), where chunks added 7.5% to
 * the views written a second. A line waits at most FLUSH_EVERY_MS. Each write holds whole lines
 * and at most PIPE_BUF bytes, so the lines of a cluster's API processes, which share standard
 * output, never interleave (a single line longer than that is written alone, as it was before).
 * pino writes what is left when the process exits (its exit handler), so an exit, a crash
 * included, loses no line; a process killed outright (SIGKILL, out of memory) loses its last
 * FLUSH_EVERY_MS of them.
 */
function bufferedStandardOutput(): DestinationStream {
  standardOutput ??= pino.destination({ dest: 1, sync: false, minLength: CHUNK_BYTES, maxWrite: PIPE_BUF, periodicFlush: FLUSH_EVERY_MS });
  return standardOutput;
}

/**
 * Structured logs; secrets never reach them (tokens and passwords are redacted by path too). In
 * an API process of a cluster (WEB_CONCURRENCY, server/cluster.ts) each line says which one.
 */
export function createLogger(level: LogLevel): Logger {
  const worker = process.env.HEARTH_CLUSTER_WORKER;
  return pino(
    {
      level,
      base: worker === undefined ? { service: 'hearth' } : { service: 'hearth', worker: Number(worker) },
      redact: {
        paths: ['password', '*.password', 'token', '*.token', 'refreshToken', '*.refreshToken', 'authorization', '*.authorization'],
        censor: '[redacted]',
      },
    },
    bufferedStandardOutput(),
  );
}
