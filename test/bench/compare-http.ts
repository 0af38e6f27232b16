import type { BenchContext } from './run';
import type { BenchRow } from './report';
import { FIRST_WARM_UP_SECONDS, runLoad, startTarget } from './load';

export interface HttpComparison {
  name: string;
  /** The GraphQL query Hearth answers. */
  query: string;
  /** The compiled raw baseline target and its arguments after the database URL. */
  raw: string;
  rawHeaders?: Record<string, string>;
  /** Targets for the requests/s ratio and the p99 latency; undefined means "reported". */
  minThroughputRatio?: number;
  maxP99Factor?: number;
}

/** Runs the same concurrent load against Hearth and a raw node:http + pg target; two rows of figures. */
export async function compareHttp(ctx: BenchContext, spec: HttpComparison): Promise<BenchRow[]> {
  const hearth = await startTarget('hearth.js', [ctx.databaseUrl, ctx.jwtSecret]);
  const raw = await startTarget(spec.raw, [ctx.databaseUrl]);
  try {
    const load = { connections: 32, seconds: ctx.seconds, warmUpSeconds: FIRST_WARM_UP_SECONDS };
    const viaHearth = await runLoad({
      ...load,
      url: hearth.url,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.memberToken}` },
      body: JSON.stringify({ query: spec.query }),
    });
    const viaRaw = await runLoad({ ...load, url: raw.url, method: 'GET', headers: spec.rawHeaders });
    if (viaHearth.errors || viaHearth.non2xx) throw new Error(`Hearth answered errors: ${JSON.stringify(viaHearth)}`);
    const throughput = viaHearth.requestsPerSecond / viaRaw.requestsPerSecond;
    const { minThroughputRatio: minRatio, maxP99Factor: maxP99 } = spec;
    return [
      {
        workload: spec.name,
        measure: 'requests/s',
        hearth: viaHearth.requestsPerSecond,
        baseline: viaRaw.requestsPerSecond,
        ratio: throughput,
        target: minRatio ? `≥ ${minRatio}×` : 'reported',
        ok: !minRatio || throughput >= minRatio,
      },
      {
        workload: spec.name,
        measure: 'p99 ms',
        hearth: viaHearth.p99Ms,
        baseline: viaRaw.p99Ms,
        ratio: viaRaw.p99Ms / Math.max(viaHearth.p99Ms, 0.001),
        target: maxP99 ? `≤ ${maxP99}× raw p99` : 'reported',
        ok: !maxP99 || viaHearth.p99Ms <= maxP99 * viaRaw.p99Ms,
      },
    ];
  } finally {
    await Promise.all([hearth.stop(), raw.stop()]);
  }
}
