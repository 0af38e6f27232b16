import type { BenchContext, Workload } from '../run';
import { runLoad, startTarget } from '../load';

/** W1: the `me` query through the whole stack vs node:http + pg doing the same select. */
export const meWorkload: Workload = {
  name: 'W1 me',
  async run(ctx: BenchContext) {
    const hearth = await startTarget('hearth.js', [ctx.databaseUrl, ctx.jwtSecret]);
    const raw = await startTarget('raw-me.js', [ctx.databaseUrl]);
    try {
      const load = { connections: 32, seconds: ctx.seconds };
      const viaHearth = await runLoad({
        ...load,
        url: hearth.url,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.memberToken}` },
        body: JSON.stringify({ query: '{ me { id displayName email company role } }' }),
      });
      const viaRaw = await runLoad({ ...load, url: raw.url, method: 'GET', headers: { 'x-member-id': ctx.memberId } });
      if (viaHearth.errors || viaHearth.non2xx) throw new Error(`Hearth answered errors: ${JSON.stringify(viaHearth)}`);
      return [
        { workload: this.name, measure: 'requests/s', hearth: viaHearth.requestsPerSecond, baseline: viaRaw.requestsPerSecond, ratio: viaHearth.requestsPerSecond / viaRaw.requestsPerSecond, target: 'reported', ok: true },
        { workload: this.name, measure: 'p99 ms', hearth: viaHearth.p99Ms, baseline: viaRaw.p99Ms, ratio: viaRaw.p99Ms / Math.max(viaHearth.p99Ms, 0.001), target: 'reported', ok: true },
      ];
    } finally {
      await Promise.all([hearth.stop(), raw.stop()]);
    }
  },
};
