import cluster, { type Worker } from 'node:cluster';
import type { Logger } from './logger';

/** What an API process tells the primary once it serves requests. */
export interface ReadyMessage {
  hearth: 'ready';
  url: string;
}

const isReady = (message: unknown): message is ReadyMessage =>
  typeof message === 'object' && message !== null && (message as { hearth?: unknown }).hearth === 'ready';

/** Which API process of a cluster this is (0 for the first), or null outside one. */
export function clusterWorkerIndex(env: NodeJS.ProcessEnv = process.env): number | null {
  return cluster.isWorker && env.HEARTH_CLUSTER_WORKER !== undefined ? Number(env.HEARTH_CLUSTER_WORKER) : null;
}

/** In an API process of a cluster: tells the primary it serves requests. */
export function reportReady(url: string): void {
  if (cluster.isWorker) process.send?.({ hearth: 'ready', url } satisfies ReadyMessage);
}

export interface ClusterOptions {
  /** How many API processes (WEB_CONCURRENCY). */
  workers: number;
  /** The environment of every API process, on top of the primary's (DATABASE_URL resolved once). */
  env: Record<string, string>;
  /** The environment of the first one only (the in-process job worker runs once). */
  firstEnv?: Record<string, string>;
  logger: Logger;
  /** How long a dead API process waits before it is replaced. */
  restartDelayMs?: number;
}

export interface RunningCluster {
  /** The URL the API processes share (one listening port, handed out by the primary). */
  url: string;
  /** Stops every API process (SIGTERM: each finishes its requests) and resolves when all exited; rejects if one failed to stop cleanly. */
  stop(): Promise<void>;
  /** The API processes' pids (tests). */
  pids(): number[];
}

/**
 * WEB_CONCURRENCY > 1: the primary forks that many API processes, which share one listening port
 * (node:cluster hands connections out in turn). Node runs JavaScript on one thread, so one process
 * cannot use a second core; a second process can, as a second instance behind a load balancer
 * would (per-process caches are invalidated across instances through the pub/sub already). The
 * first one starts alone (it applies migrations and seeds the demo), the others after it is
 * ready. A process that dies after it served is replaced; one that fails to start fails the start.
 */
export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const { workers: count, env, firstEnv = {}, logger, restartDelayMs = 1_000 } = options;
  const running = new Map<number, Worker>();
  let stopping = false;

  const fork = (index: number): Promise<ReadyMessage> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork({ ...env, ...(index === 0 ? firstEnv : {}), HEARTH_CLUSTER_WORKER: String(index) });
      let ready = false;
      running.set(index, worker);
      worker.on('message', (message: unknown) => {
        if (!isReady(message) || ready) return;
        ready = true;
        logger.info({ worker: index, pid: worker.process.pid }, 'API process ready');
        resolve(message);
      });
      worker.on('exit', (code, signal) => {
        if (running.get(index) === worker) running.delete(index);
        if (!ready) return reject(new Error(`API process ${index} exited before it served (code ${code}, signal ${signal})`));
        if (stopping) return;
        logger.error({ worker: index, code, signal }, 'an API process died: starting another');
        setTimeout(() => {
          if (!stopping)
            fork(index).catch((err: unknown) => logger.error({ err, worker: index }, 'a replacement API process failed to start'));
        }, restartDelayMs).unref();
      });
    });

  const stop = async (): Promise<void> => {
    stopping = true;
    // A process still starting has no handler yet and ends on the signal itself: nothing was in flight there.
    const clean = (code: number | null, signal: string | null) => (code === null && signal === 'SIGTERM' ? 0 : code);
    const exits = [...running.values()].map(
      (worker) =>
        new Promise<number | null>((resolve) => {
          if (worker.isDead()) return resolve(clean(worker.process.exitCode, worker.process.signalCode));
          worker.once('exit', (code, signal) => resolve(clean(code, signal)));
          worker.process.kill('SIGTERM');
        }),
    );
    const codes = await Promise.all(exits);
    if (codes.some((code) => code !== 0)) throw new Error(`API processes exited with ${codes.join(', ')}`);
  };

  try {
    const first = await fork(0);
    await Promise.all(Array.from({ length: count - 1 }, (_, i) => fork(i + 1)));
    return { url: first.url, stop, pids: () => [...running.values()].map((worker) => worker.process.pid!) };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
