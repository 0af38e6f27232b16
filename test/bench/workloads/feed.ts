import type { BenchContext, Workload } from '../run';
import { runLoad, startTarget } from '../load';

const FEED = `{ feed(first: 20) { edges { cursor node { id type title publishedAt themes { slug name } author { id displayName } } } pageInfo { hasNextPage endCursor } } }`;

/** P1: feed(first: 20) with themes and authors through the whole stack vs node:http + pg running the same SQL. */
export const feedWorkload: Workload = {
  name: 'P1 feed',
  async run(ctx: BenchContext) {
    const hearth = await startTarget('hearth.js', [ctx.databaseUrl, ctx.jwtSecret]);
    const raw = await startTarget('raw-feed.js', [ctx.databaseUrl]);
    try {
      const load = { connections: 32, seconds: ctx.seconds };
      const viaHearth = await runLoad({
        ...load,
        url: hearth.url,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.memberToken}` },
        body: JSON.stringify({ query: FEED }),
      });
      const viaRaw = await runLoad({ ...load, url: raw.url, method: 'GET' });
      if (viaHearth.errors || viaHearth.non2xx) throw new Error(`Hearth answered errors: ${JSON.stringify(viaHearth)}`);
      const throughput = viaHearth.requestsPerSecond / viaRaw.requestsPerSecond;
      return [
        { workload: this.name, measure: 'requests/s', hearth: viaHearth.requestsPerSecond, baseline: viaRaw.requestsPerSecond, ratio: throughput, target: '≥ 0.5×', ok: throughput >= 0.5 },
        { workload: this.name, measure: 'p99 ms', hearth: viaHearth.p99Ms, baseline: viaRaw.p99Ms, ratio: viaRaw.p99Ms / Math.max(viaHearth.p99Ms, 0.001), target: '≤ 2× raw p99', ok: viaHearth.p99Ms <= 2 * viaRaw.p99Ms },
      ];
    } finally {
      await Promise.all([hearth.stop(), raw.stop()]);
    }
  },
};
