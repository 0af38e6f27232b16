import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

export interface Target {
  url: string;
  stop(): Promise<void>;
}

/** Starts a bench target (a compiled file next to this one) in its own process, so load and server do not share a thread. */
export async function startTarget(file: string, args: string[]): Promise<Target> {
  const child: ChildProcess = fork(path.join(__dirname, 'targets', file), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { url: string }) => resolve(message.url));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
}

/**
 * Concurrent HTTP load for a fixed duration (autocannon), after a warm-up: long enough for V8 to
 * optimize a whole API's hot paths (one second was not: Hearth's first seconds under load carried
 * its tier-up in their p99), the same for both sides of a comparison.
 */
export async function runLoad(options: { url: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; connections: number; seconds: number }): Promise<LoadResult> {
  const common = { url: options.url, method: options.method ?? 'POST', headers: options.headers, body: options.body, connections: options.connections };
  await autocannon({ ...common, duration: 3 });
  const result = await autocannon({ ...common, duration: options.seconds });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}
