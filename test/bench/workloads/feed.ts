import { clientOperation } from '../client-operation';
import type { BenchContext, Workload } from '../run';
import { compareHttp, hearthSide, rawSide } from '../compare-http';

/** The shipped client's `Feed` operation (its ContentCard selects seenByMe), first page of 20. */
export const FEED = clientOperation('Feed');
export const FEED_VARIABLES = { first: 20 };

/** P1: the client's Feed through the whole stack vs node:http + pg answering the same JSON with one prepared statement. */
export const feedWorkload: Workload = {
  name: 'P1 feed',
  run: (ctx: BenchContext) =>
    compareHttp(ctx, { name: 'P1 feed', hearth: hearthSide(FEED, FEED_VARIABLES), baseline: rawSide('raw-feed.js'), sameJson: true, minThroughputRatio: 0.6, maxP99Factor: 2 }),
};
