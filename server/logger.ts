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
 * What is left is written when the process exits, so an exit, a crash included, loses no line;
 * a process killed outright (SIGKILL, out of memory) loses its last FLUSH_EVERY_MS of them.
 *
 * A chunk is written synchronously: one write call per chunk, on the main thread. Written on
 * libuv's threads instead (`sync: false`), a chunk waited behind whatever held them, password
 * hashes during a burst of logins (argon2, schema/identity/password.ts), and the exit could not
 * write it again: a crash then lost that chunk, or wrote it after the lines that followed it.
 * pino flushes only its asynchronous destinations at exit; this one is flushed here. As with
 * pino's default destination, a reader of standard output that stops reading holds the process
 * up (a full pipe is written again every 100 ms) rather than letting lines pile up in memory.
 */
function bufferedStandardOutput(): DestinationStream {
  if (standardOutput === undefined) {
    const destination = pino.destination({
      dest: 1,
      sync: true,
      minLength: CHUNK_BYTES,
      maxWrite: PIPE_BUF,
      periodicFlush: FLUSH_EVERY_MS,
    });
    process.once('exit', () => {
      // Through the write path first: a broken pipe (whoever read standard output has gone) is an
      // error there, on which pino turns the destination off, flushSync included. flushSync alone
      // would sleep and write again on it forever, and the process would never end.
      destination.flush();
      destination.flushSync();
    });
    standardOutput = destination;
  }
  return standardOutput;
}

/** Keys whose values never reach a log line: at the top of a logged object, or one level down. */
const SECRET_KEYS = new Set(['password', 'token', 'refreshToken', 'authorization']);
const CENSOR = '[redacted]';

type Fields = Record<string, unknown>;

/** Whether an object has a secret key of its own (a list's or a buffer's elements are not keys: not read, one by one, for every line). */
function hasSecretKey(value: object): boolean {
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  for (const key in value) if (SECRET_KEYS.has(key)) return true;
  return false;
}

/**
 * `value` (one level down in a line) with its secret keys censored. An error stays an error, its
 * secrets shadowed, so that its serializer still reads its class, message, stack and cause.
 */
function censored(value: object): Fields {
  const copy: Fields = value instanceof Error ? (Object.create(value) as Fields) : { ...value };
  for (const key in value) if (SECRET_KEYS.has(key)) copy[key] = CENSOR;
  return copy;
}

/**
 * A line's fields with each secret censored (`password`, `{ input: { token } }`, an error with an
 * `authorization` property). The object is copied only when it holds one, which a line almost
 * never does. pino's own `redact` did it by paths (`*.password`): its wildcard redactor ran for
 * every field of every line, strings and numbers included, and parsed its paths again each time.
 * An `operation` line (one per request) cost 7.3 to 7.9 µs of CPU with it, 3.2 µs now.
 */
function censorSecrets(fields: Fields): Fields {
  let copy: Fields | undefined;
  for (const key in fields) {
    const value = fields[key];
    const secret = SECRET_KEYS.has(key);
    if (!secret && (typeof value !== 'object' || value === null || !hasSecretKey(value))) continue;
    copy ??= { ...fields };
    copy[key] = secret ? CENSOR : censored(value as object);
  }
  return copy ?? fields;
}

/**
 * Structured logs; secrets never reach them (tokens and passwords are censored by key, see
 * censorSecrets). In an API process of a cluster (WEB_CONCURRENCY, server/cluster.ts) each line
 * says which one.
 */
export function createLogger(level: LogLevel): Logger {
  const worker = process.env.HEARTH_CLUSTER_WORKER;
  const logger = pino(
    {
      level,
      base: worker === undefined ? { service: 'hearth' } : { service: 'hearth', worker: Number(worker) },
      formatters: { log: censorSecrets },
    },
    bufferedStandardOutput(),
  );
  // A child's bindings skip the formatters (pino resets them for children): they are censored
  // here, and in the children's own children, which inherit this method from the root.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, options) {
    return child.call(this, censorSecrets(bindings), options);
  } as Logger['child'];
  return logger;
}
