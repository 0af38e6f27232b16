import type { Logger } from 'pino';

/**
 * Whether an error means a dependency (PostgreSQL, Redis, LiveKit) could not be reached or did not
 * answer in time, rather than that the request was wrong or the code is broken. Such errors are
 * answered SERVICE_UNAVAILABLE (retryable, HTTP 503) instead of INTERNAL_SERVER_ERROR.
 */

/** Socket-level failures reaching a service. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

/**
 * PostgreSQL SQLSTATEs of an unreachable or stopping server: class 08 (connection exception),
 * admin/crash shutdown, "the database system is starting up", too many connections, and
 * query_canceled (57014: the statement timeout fired).
 */
const POSTGRES_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

/** What `pg` and `pg-pool` say (without a code) when a connection cannot be had or was lost. */
const DRIVER_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Query read timeout|is not queryable|Connection ended unexpectedly|connect ECONNREFUSED|Client was closed|is not currently accepting connections/i;

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current && chain.length < 6;) {
    chain.push(current);
    const next = (current as { originalError?: unknown; cause?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
    current = next === current ? undefined : next;
  }
  return chain;
}

export function isUnavailableError(error: unknown): boolean {
  return causes(error).some((cause) => {
    // Duck-typed: socket errors come from Node's own realm, where `instanceof Error` can fail (jest's VM).
    if (typeof cause !== 'object' || cause === null) return false;
    const { name, code, message } = cause as { name?: unknown; code?: unknown; message?: unknown };
    // fetch's own deadline (AbortSignal.timeout) and a request cut short by it.
    if (name === 'TimeoutError') return true;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || POSTGRES_UNAVAILABLE.has(code) || /^08/.test(code))) return true;
    return typeof message === 'string' && DRIVER_MESSAGES.test(message);
  });
}

/** Seconds a client is told to wait before retrying (Retry-After, `retryAfterSeconds`). */
export const RETRY_AFTER_SECONDS = 2;

/**
 * One warning when a dependency starts failing, then at most one every `everyMs` with the count of
 * what was suppressed: an outage under load must not write a line per request.
 */
export function throttledWarning(logger: Logger, message: string, everyMs = 10_000): (err: unknown) => void {
  let lastAt = 0;
  let suppressed = 0;
  return (err) => {
    const now = Date.now();
    if (now - lastAt < everyMs) {
      suppressed++;
      return;
    }
    logger.warn({ err, suppressed }, message);
    lastAt = now;
    suppressed = 0;
  };
}
