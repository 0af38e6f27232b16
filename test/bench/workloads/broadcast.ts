import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import type { BenchContext, Workload } from '../run';
import { median, type BenchRow } from '../report';
import { startTarget } from '../load';

const SUBSCRIPTION = `subscription { contentPublished { id title themes { slug name } author { id displayName } } }`;
const SIZES = (process.env.BENCH_P2_SIZES ?? '1000,5000,10000').split(',').map(Number);

interface Fleet {
  /** Resolves with each client's delivery time (ms after `since`) once all N received one frame. */
  nextDelivery(since: number): Promise<number[]>;
  close(): void;
}

/** N graphql-transport-ws clients on plain `ws` sockets (the same cheap client for both sides), connected in batches. */
async function connectFleet(wsUrl: string, size: number, token: string): Promise<Fleet> {
  const sockets: WebSocket[] = [];
  let waiting: { since: number; times: number[]; done: (times: number[]) => void } | null = null;
  const open = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
      sockets.push(socket);
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
      socket.on('error', reject);
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { type: string };
        if (message.type === 'connection_ack') {
          socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION } }));
          resolve();
        } else if (message.type === 'next' && waiting) {
          waiting.times.push(performance.now() - waiting.since);
          if (waiting.times.length === size) waiting.done(waiting.times);
        }
      });
    });
  for (let i = 0; i < size; i += 250) await Promise.all(Array.from({ length: Math.min(250, size - i) }, open));
  return {
    nextDelivery: (since) => new Promise((done) => (waiting = { since, times: [], done })),
    close: () => sockets.forEach((socket) => socket.terminate()),
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * Publishes until every client has one frame (subscriptions are registered, both sides warmed up),
 * then measures MEASURED_EVENTS events one after the other: each event's delivery percentiles over
 * its N clients, the median of those over the events (one event alone swings with the machine).
 */
const MEASURED_EVENTS = 7;
async function measure(fleet: Fleet, publish: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const p50s: number[] = [];
  const p95s: number[] = [];
  for (let event = -2; event < MEASURED_EVENTS; event++) {
    const since = performance.now();
    const delivered = fleet.nextDelivery(since);
    await publish();
    const times = (await delivered).sort((a, b) => a - b);
    if (event >= 0) {
      p50s.push(percentile(times, 50));
      p95s.push(percentile(times, 95));
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the sockets' write callbacks settle
  }
  return { p50: median(p50s), p95: median(p95s) };
}

/** P2: one contentPublished event through Redis to N subscribed sockets vs a raw `ws` broadcast of the same frame. */
export const broadcastWorkload: Workload = {
  name: 'P2 broadcast',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const redisUrl = process.env.REDIS_URL;
    if (!redisUrl) {
      console.log('P2 SKIPPED: it measures delivery through Redis; set REDIS_URL.');
      return [];
    }
    const redis = new Redis(redisUrl);
    const rows: BenchRow[] = [];
    try {
      for (const size of SIZES) {
        const hearth = await startTarget('hearth.js', [ctx.databaseUrl, ctx.jwtSecret]);
        const hearthFleet = await connectFleet(hearth.url.replace('http', 'ws'), size, ctx.memberToken);
        const viaHearth = await measure(hearthFleet, () => redis.publish('CONTENT_PUBLISHED', JSON.stringify({ contentId: ctx.contentId })));
        hearthFleet.close();
        await hearth.stop();

        const channel = `bench:raw:${randomUUID()}`;
        const raw = await startTarget('raw-broadcast.js', [redisUrl, channel, JSON.stringify({ id: '1', type: 'next', payload: ctx.contentFrame })]);
        const rawFleet = await connectFleet(raw.url.replace('http', 'ws'), size, ctx.memberToken);
        const viaRaw = await measure(rawFleet, () => redis.publish(channel, 'go'));
        rawFleet.close();
        await raw.stop();
        const name = `${this.name} ${size}`;
        const ratio = viaRaw.p95 / Math.max(viaHearth.p95, 0.001);
        rows.push(
          { workload: name, measure: 'delivery p50 ms', hearth: viaHearth.p50, baseline: viaRaw.p50, ratio: viaRaw.p50 / Math.max(viaHearth.p50, 0.001), target: 'reported', ok: true },
          { workload: name, measure: 'delivery p95 ms', hearth: viaHearth.p95, baseline: viaRaw.p95, ratio, target: size === 10_000 ? '≤ 2× raw' : 'reported', ok: size !== 10_000 || viaHearth.p95 <= 2 * viaRaw.p95 },
        );
      }
    } finally {
      await redis.quit();
    }
    return rows;
  },
};
