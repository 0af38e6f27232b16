import type { BenchContext, Workload } from '../run';
import { compareHttp } from '../compare-http';

export const FEED = `{ feed(first: 20) { edges { cursor node { id type title publishedAt themes { slug name } author { id displayName } } } pageInfo { hasNextPage endCursor } } }`;

/** P1: feed(first: 20) with themes and authors through the whole stack vs node:http + pg running the same SQL. */
export const feedWorkload: Workload = {
  name: 'P1 feed',
  run: (ctx: BenchContext) => compareHttp(ctx, { name: 'P1 feed', query: FEED, raw: 'raw-feed.js', minThroughputRatio: 0.5, maxP99Factor: 2 }),
};
