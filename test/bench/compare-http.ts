import { isDeepStrictEqual } from 'node:util';
import type { BenchContext } from './run';
import type { BenchRow } from './report';
import { alternate, checkedLoad, FIRST_WARM_UP_SECONDS, medianOf, startTarget, type LoadResult, type LoadSpec, type Target } from './load';

export interface HttpSide {
  /** Row label of this side ('Hearth', 'raw', 'PostGraphile'). */
  name: string;
  start(ctx: BenchContext): Promise<Target>;
  /** The request it answers (GraphQL POST, or a GET of a raw endpoint). */
  request: Pick<LoadSpec, 'method' | 'body' | 'headers'>;
}

export interface HttpComparison {
  name: string;
  hearth: HttpSide;
  baseline: HttpSide;
  /** When set, both sides must answer the same JSON to the same member before load (the same page, not a lighter one). */
  sameJson?: boolean;
  /** Targets for the requests/s ratio and the p99 latency; undefined means "reported". */
  minThroughputRatio?: number;
  maxP99Factor?: number;
  /** The throughput row's label (default 'requests/s'). */
  measure?: string;
}

export const hearthSide = (query: string, variables?: Record<string, unknown>): HttpSide => ({
  name: 'Hearth',
  start: (ctx) => startTarget('hearth.js', [ctx.databaseUrl, ctx.jwtSecret]),
  request: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) },
});

export const rawSide = (file: string, extraArgs: string[] = []): HttpSide => ({
  name: 'raw',
  start: (ctx) => startTarget(file, [ctx.databaseUrl, ctx.jwtSecret, ...extraArgs]),
  request: { method: 'GET' },
});

/** One answer, as a member would get it. */
async function answer(target: Target, side: HttpSide, authorization: string): Promise<unknown> {
  const response = await fetch(target.url, { method: side.request.method, headers: { ...side.request.headers, authorization }, body: side.request.body });
  const body = (await response.json()) as { errors?: unknown };
  if (!response.ok || body.errors) throw new Error(`${side.name} answered ${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return body;
}

/**
 * The same concurrent load against Hearth and a baseline, both in processes of their own and the
 * load in a third: the same warm-up, WINDOWS alternating windows each, medians reported, 200
 * members' tokens rotated, every response checked on both sides.
 */
export async function compareHttp(ctx: BenchContext, spec: HttpComparison): Promise<BenchRow[]> {
  const authorizations = (await ctx.identities()).map(({ token }) => `Bearer ${token}`);
  const targets: Target[] = [];
  try {
    for (const side of [spec.hearth, spec.baseline]) targets.push(await side.start(ctx));
    if (spec.sameJson) {
      for (const authorization of authorizations.slice(0, 3)) {
        const [viaHearth, viaBaseline] = await Promise.all([answer(targets[0], spec.hearth, authorization), answer(targets[1], spec.baseline, authorization)]);
        if (!isDeepStrictEqual(viaHearth, viaBaseline))
          throw new Error(`${spec.name}: ${spec.baseline.name} does not answer the same JSON as Hearth:\n${JSON.stringify(viaHearth).slice(0, 600)}\n${JSON.stringify(viaBaseline).slice(0, 600)}`);
      }
    }
    const sides = [spec.hearth, spec.baseline].map((side, i) => {
      const load = (seconds: number) => checkedLoad(`${spec.name} ${side.name}`, { ...side.request, url: targets[i].url, authorizations, connections: 32, seconds });
      return { name: side.name, warmUp: () => load(FIRST_WARM_UP_SECONDS), window: () => load(ctx.seconds) };
    });
    const [viaHearth, viaBaseline] = await alternate<LoadResult>(sides);
    const hearth = { rps: medianOf(viaHearth, (w) => w.requestsPerSecond), p99: medianOf(viaHearth, (w) => w.p99Ms) };
    const baseline = { rps: medianOf(viaBaseline, (w) => w.requestsPerSecond), p99: medianOf(viaBaseline, (w) => w.p99Ms) };
    const throughput = hearth.rps / baseline.rps;
    const { minThroughputRatio: minRatio, maxP99Factor: maxP99 } = spec;
    const rows: BenchRow[] = [
      {
        workload: spec.name,
        measure: spec.measure ?? 'requests/s',
        hearth: hearth.rps,
        baseline: baseline.rps,
        baselineName: spec.baseline.name,
        ratio: throughput,
        target: minRatio ? `≥ ${minRatio}×` : 'reported',
        targetRatio: minRatio,
      },
    ];
    if (maxP99 !== undefined || spec.measure === undefined)
      rows.push({
        workload: spec.name,
        measure: 'p99 ms',
        hearth: hearth.p99,
        baseline: baseline.p99,
        baselineName: spec.baseline.name,
        ratio: baseline.p99 / Math.max(hearth.p99, 0.001),
        target: maxP99 ? `Hearth ≤ ${maxP99}× baseline (ratio ≥ ${1 / maxP99})` : 'reported',
        targetRatio: maxP99 ? 1 / maxP99 : undefined,
      });
    return rows;
  } finally {
    await Promise.all(targets.map((target) => target.stop()));
  }
}
