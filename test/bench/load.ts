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
 * How long a freshly started server takes load before it is measured. Hearth serves its best only
 * after about 15 s under load (three 3-second windows after a 3-second warm-up: 1,061, 1,162,
 * 1,323, 1,210 requests/s and 932, 809, 655, 689 µs of CPU per feed page; V8 optimizes a whole
 * API's hot paths, its compiler sharing the two cores with the load); the raw targets are at theirs
 * at once. Every side of a comparison gets the same.
 */
export const FIRST_WARM_UP_SECONDS = 15;

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  seconds: number;
  /** Load before the measured window (default 3 s; FIRST_WARM_UP_SECONDS for a server's first load). */
  warmUpSeconds?: number;
}

/** Concurrent HTTP load for a fixed duration (autocannon), after a warm-up of the same load. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const common = { url: options.url, method: options.method ?? 'POST', headers: options.headers, body: options.body, connections: options.connections };
  await autocannon({ ...common, duration: options.warmUpSeconds ?? 3 });
  const result = await autocannon({ ...common, duration: options.seconds });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}
