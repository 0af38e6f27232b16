import pino, { type Logger } from 'pino';
import type { LogLevel } from './env';

export type { Logger };

/** Structured logs; secrets never reach them (tokens and passwords are redacted by path too). */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: 'hearth' },
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'refreshToken', '*.refreshToken', 'authorization', '*.authorization'],
      censor: '[redacted]',
    },
  });
}
