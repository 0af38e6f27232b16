import pino, { type Logger } from 'pino';
import type { LogLevel } from './env';

export type { Logger };

/**
 * Structured logs; secrets never reach them (tokens and passwords are redacted by path too). In
 * an API process of a cluster (WEB_CONCURRENCY, server/cluster.ts) each line says which one.
 */
export function createLogger(level: LogLevel): Logger {
  const worker = process.env.HEARTH_CLUSTER_WORKER;
  return pino({
    level,
    base: worker === undefined ? { service: 'hearth' } : { service: 'hearth', worker: Number(worker) },
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'refreshToken', '*.refreshToken', 'authorization', '*.authorization'],
      censor: '[redacted]',
    },
  });
}
