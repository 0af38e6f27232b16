import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { clientOperation } from '../client-operation';
import type { BenchContext, Workload } from '../run';
import { median, type BenchRow } from '../report';
import { alternate, perWindow, reap, startTarget, STOP_GRACE_MS, type Target } from '../load';
import type { Delivery, FleetCommand, FleetSpec } from '../fleet';
import { DEFAULT_REDIS_KEY_PREFIX } from '../../../server/env';

/** Where a Hearth instance with the default REDIS_KEY_PREFIX hears of a published item. */
const HEARTH_CHANNEL = `${DEFAULT_REDIS_KEY_PREFIX}:CONTENT_PUBLISHED`;

/** The shipped client's subscription: its ContentCard selects seenByMe, so every subscriber is executed with its own viewer. */
const PER_VIEWER = clientOperation('ContentPublished');
/** An operation with viewer-independent fields only: executed once per event for all its subscribers. */
const SHARED = `subscription { contentPublished { id title themes { slug name } author { id displayName } } }`;
const SIZES = (process.env.BENCH_P2_SIZES ?? '1000,5000,10000').split(',').map(Number);
/** Events per measured window; the window's figure is their median (one event alone swings with the machine). */
const EVENTS_PER_WINDOW = 3;

interface Fleet {
  deliver(channel: string, message: string, expectId: string): Promise<Delivery>;
  close(): Promise<void>;
}

/** A fleet of `size` sockets in a process of its own (fleet.ts). */
async function startFleet(spec: FleetSpec): Promise<Fleet> {
  const child: ChildProcess = fork(path.join(__dirname, '../fleet.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.send(spec);
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`fleet exited with ${code}`)));
  });
  return {
    deliver: (channel, message, expectId) =>
      new Promise((resolve) => {
        child.once('message', (delivery: Delivery) => resolve(delivery));
        child.send({ event: { channel, message, expectId } } satisfies FleetCommand);
      }),
    close: () => {
      const exited = reap(child, STOP_GRACE_MS);
      child.send('close' satisfies FleetCommand);
      return exited;
    },
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** One side: `events` published through its fleet; a window is the median p50/p95 of EVENTS_PER_WINDOW events. */
function side(name: string, fleet: Fleet, channel: string, message: string, expectId: string) {
  const event = async () => {
    const delivery = await fleet.deliver(channel, message, expectId);
    if (delivery.errors) throw new Error(`P2 ${name}: ${delivery.errors} frame(s) with errors; first: ${delivery.firstError}`);
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the sockets' write callbacks settle
    return { p50: percentile(delivery.times, 50), p95: percentile(delivery.times, 95) };
  };
  const window = async () => {
    const events = [];
    for (let i = 0; i < EVENTS_PER_WINDOW; i++) events.push(await event());
    return { p50: median(events.map((e) => e.p50)), p95: median(events.map((e) => e.p95)) };
  };
  return { name, warmUp: async () => [await event(), await event()], window };
}

/**
 * P2: one contentPublished event through Redis to N subscribed sockets (200 members, socket i as
 * member i mod 200) vs a raw `ws` broadcast of one precomputed frame. Two Hearth rows per size:
 * the shipped ContentPublished (per viewer: seenByMe) and a viewer-independent operation (shared).
 */
export const broadcastWorkload: Workload = {
  name: 'P2 fan-out',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const redisUrl = process.env.REDIS_URL;
    if (!redisUrl) {
      console.log('P2 SKIPPED: it measures delivery through Redis; set REDIS_URL.');
      return [];
    }
    const rows: BenchRow[] = [];
    for (const size of SIZES) {
      const channel = `bench:raw:${randomUUID()}`;
      const raw = await startTarget('raw-broadcast.js', [
        redisUrl,
        channel,
        JSON.stringify({ id: '1', type: 'next', payload: ctx.contentFrame }),
      ]);
      const authorizations = (await ctx.identities()).map(({ token }) => `Bearer ${token}`);
      const rawFleet = await startFleet({ wsUrl: raw.url.replace('http', 'ws'), redisUrl, size, authorizations, query: SHARED });
      try {
        for (const [label, query, target] of [
          ['ContentPublished, per viewer', PER_VIEWER, size === 10_000 ? 0.5 : undefined],
          ['shared operation', SHARED, undefined],
        ] as const) {
          let hearth: Target | undefined;
          let fleet: Fleet | undefined;
          try {
            hearth = await startTarget('hearth.js', [ctx.databaseUrl, ctx.jwtSecret]);
            fleet = await startFleet({ wsUrl: hearth.url.replace('http', 'ws'), redisUrl, size, authorizations, query });
            const [viaHearth, viaRaw] = await alternate([
              side('Hearth', fleet, HEARTH_CHANNEL, JSON.stringify({ contentId: ctx.contentId }), ctx.contentId),
              side('raw', rawFleet, channel, 'go', ctx.contentId),
            ]);
            const [h50, h95, r50, r95] = [
              median(viaHearth.map((w) => w.p50)),
              median(viaHearth.map((w) => w.p95)),
              median(viaRaw.map((w) => w.p50)),
              median(viaRaw.map((w) => w.p95)),
            ];
            const name = `${this.name} ${size} (${label})`;
            rows.push(
              {
                workload: name,
                measure: 'delivery p50 ms',
                hearth: h50,
                baseline: r50,
                baselineName: 'raw broadcast',
                ratio: r50 / Math.max(h50, 0.001),
                target: 'reported',
              },
              {
                workload: name,
                measure: 'delivery p95 ms',
                hearth: h95,
                baseline: r95,
                baselineName: 'raw broadcast',
                ratio: r95 / Math.max(h95, 0.001),
                target: target ? 'Hearth ≤ 2× raw (ratio ≥ 0.5)' : 'reported',
                targetRatio: target,
                // Only for the row with a target: the table holds enough of P2 already.
                windows: target ? perWindow(viaHearth, viaRaw, (w) => w.p95) : undefined,
              },
            );
          } finally {
            await fleet?.close();
            await hearth?.stop();
          }
        }
      } finally {
        await rawFleet.close();
        await raw.stop();
      }
    }
    return rows;
  },
};
