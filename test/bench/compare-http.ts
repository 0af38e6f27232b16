import { isDeepStrictEqual } from 'node:util';
import type { BenchContext } from './run';
import type { BenchRow } from './report';
import {
  alternate,
  checkedLoad,
  FIRST_WARM_UP_SECONDS,
  medianOf,
  perWindow,
  startServer,
  type LoadResult,
  type LoadSpec,
  type Target,
} from './load';

export interface HttpSide {
  /** Label of this side ('Hearth', 'raw', 'PostGraphile'). */
  name: string;
  start(ctx: BenchContext): Promise<Target>;
  /** The request it answers (GraphQL POST, or a GET of a raw endpoint). */
  request: Pick<LoadSpec, 'method' | 'body' | 'headers'>;
  /** Its answer in a shape comparable to Hearth's, for `samePage` (default: as it is). */
  normalize?: (body: any) => unknown;
}

export interface Baseline {
  side: HttpSide;
  /** The rows' workload label (default: the comparison's name). */
  workload?: string;
  /** Targets for the requests/s ratio and the p99 latency; undefined means "reported". */
  minThroughputRatio?: number;
  maxP99Factor?: number;
  /** Whether to add a p99 row (default true). */
  p99Row?: boolean;
}

export interface HttpComparison {
  name: string;
  hearth: HttpSide;
  baselines: Baseline[];
  /** When set, every side must answer the same page (after `normalize`) to the same members before load: not a lighter one. */
  samePage?: boolean;
}

export const hearthSide = (query: string, variables?: Record<string, unknown>): HttpSide => ({
  name: 'Hearth',
  start: (ctx) => startServer('hearth.js', [ctx.databaseUrl, ctx.jwtSecret]),
  request: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) },
});

export const rawSide = (file: string, extraArgs: string[] = []): HttpSide => ({
  name: 'raw',
  start: (ctx) => startServer(file, [ctx.databaseUrl, ctx.jwtSecret, ...extraArgs]),
  request: { method: 'GET' },
});

/** One answer, as a member would get it. */
async function answer(target: Target, side: HttpSide, authorization: string): Promise<unknown> {
  const response = await fetch(target.url, {
    method: side.request.method,
    headers: { ...side.request.headers, authorization },
    body: side.request.body,
  });
  const body = (await response.json()) as { errors?: unknown };
  if (!response.ok || body.errors) throw new Error(`${side.name} answered ${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return body;
}

/**
 * The same concurrent load against Hearth and its baselines, each in a process of its own and the
 * load in another: the same warm-up, WINDOWS alternating windows per side, medians reported, 200
 * members' tokens rotated, every response checked on every side.
 */
export async function compareHttp(ctx: BenchContext, spec: HttpComparison): Promise<BenchRow[]> {
  const authorizations = (await ctx.identities()).map(({ token }) => `Bearer ${token}`);
  const all = [spec.hearth, ...spec.baselines.map((baseline) => baseline.side)];
  const targets: Target[] = [];
  try {
    for (const side of all) targets.push(await side.start(ctx));
    if (spec.samePage) {
      for (const authorization of authorizations.slice(0, 3)) {
        const pages = await Promise.all(
          all.map(async (side, i) => (side.normalize ?? ((body) => body))(await answer(targets[i], side, authorization))),
        );
        pages.forEach((page, i) => {
          if (!isDeepStrictEqual(page, pages[0]))
            throw new Error(
              `${spec.name}: ${all[i].name} does not answer the same page as Hearth:\n${JSON.stringify(pages[0]).slice(0, 600)}\n${JSON.stringify(page).slice(0, 600)}`,
            );
        });
      }
    }
    const sides = all.map((side, i) => {
      const load = (seconds: number, warmUp = false) =>
        checkedLoad(
          `${spec.name} ${side.name}`,
          { ...side.request, url: targets[i].url, authorizations, connections: 32, seconds },
          { warmUp },
        );
      return { name: side.name, warmUp: () => load(FIRST_WARM_UP_SECONDS, true), window: () => load(ctx.seconds) };
    });
    const windows = await alternate<LoadResult>(sides);
    const figures = windows.map((side) => ({ rps: medianOf(side, (w) => w.requestsPerSecond), p99: medianOf(side, (w) => w.p99Ms) }));
    const hearth = figures[0];
    return spec.baselines.flatMap(
      ({ side, workload = spec.name, minThroughputRatio: minRatio, maxP99Factor: maxP99, p99Row = true }, i) => {
        const baseline = figures[i + 1];
        const rows: BenchRow[] = [
          {
            workload,
            measure: 'requests/s',
            hearth: hearth.rps,
            baseline: baseline.rps,
            baselineName: side.name,
            ratio: hearth.rps / baseline.rps,
            target: minRatio ? `≥ ${minRatio}× ${side.name}` : 'reported',
            targetRatio: minRatio,
            windows: perWindow(windows[0], windows[i + 1], (w) => w.requestsPerSecond),
          },
        ];
        if (p99Row)
          rows.push({
            workload,
            measure: 'p99 ms',
            hearth: hearth.p99,
            baseline: baseline.p99,
            baselineName: side.name,
            ratio: baseline.p99 / Math.max(hearth.p99, 0.001),
            target: maxP99 ? `Hearth ≤ ${maxP99}× ${side.name} (ratio ≥ ${1 / maxP99})` : 'reported',
            targetRatio: maxP99 ? 1 / maxP99 : undefined,
            windows: perWindow(windows[0], windows[i + 1], (w) => w.p99Ms),
          });
        return rows;
      },
    );
  } finally {
    await Promise.all(targets.map((target) => target.stop()));
  }
}
