import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

export interface CapturedLogs {
  logger: Logger;
  /** Every line logged so far, parsed. */
  lines(): Record<string, any>[];
  /** Lines at `error` level or above (pino: 50+). */
  errors(): Record<string, any>[];
  clear(): void;
}

/** A pino logger at `level` that keeps its lines in memory, for tests that assert what is (not) logged. */
export function captureLogs(level: pino.Level = 'info'): CapturedLogs {
  const raw: string[] = [];
  const logger = pino({ level }, new Writable({ write: (chunk, _encoding, done) => (raw.push(String(chunk)), done()) }));
  const lines = () => raw.flatMap((chunk) => chunk.split('\n').filter(Boolean)).map((line) => JSON.parse(line) as Record<string, any>);
  return { logger, lines, errors: () => lines().filter((line) => line.level >= 50), clear: () => void (raw.length = 0) };
}
