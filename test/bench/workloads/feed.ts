import { clientOperation } from '../client-operation';
import type { BenchContext, Workload } from '../run';
import { compareHttp, hearthSide, rawSide, type HttpSide } from '../compare-http';
import { startServer } from '../load';

/** The shipped client's `Feed` operation (its ContentCard selects seenByMe), first page of 20. */
export const FEED = clientOperation('Feed');
export const FEED_VARIABLES = { first: 20 };

/** The same page as PostGraphile's Amber preset names it over Hearth's tables (targets/postgraphile.ts adds themes and seenByMe). */
const POSTGRAPHILE_FEED = `query Feed { allContents(first: 20, condition: { status: PUBLISHED }, orderBy: [PUBLISHED_AT_DESC, ROW_ID_DESC]) {
  edges { cursor node { rowId type title summary mediaUrl status publishedAt commentCount viewCount seenByMe themes { nodes { slug name } } memberByAuthorId { rowId displayName company } } }
  pageInfo { hasNextPage endCursor } } }`;

type Page = { edges: { node: Record<string, any> }[] };

/** The items of a page, comparable across APIs: their fields under Hearth's names, cursors left out (each API has its own). */
const items = (page: Page) => page.edges.map(({ node }) => ({ ...node, publishedAt: new Date(node.publishedAt).toISOString() }));

const postGraphile: HttpSide = {
  name: 'PostGraphile',
  start: (ctx) => startServer('postgraphile.js', [ctx.databaseUrl, ctx.jwtSecret], { GRAPHILE_ENV: 'production' }),
  request: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: POSTGRAPHILE_FEED }) },
  normalize: (body: { data: { allContents: Page } }) =>
    items({
      edges: body.data.allContents.edges.map(({ node: { rowId, memberByAuthorId: author, themes, ...node } }) => ({
        node: {
          id: rowId,
          ...node,
          themes: themes.nodes,
          author: { id: author.rowId, displayName: author.displayName, company: author.company },
        },
      })),
    }),
};

const asItems = (body: { data: { feed: Page } }) => items(body.data.feed);

/**
 * P1: the client's Feed through the whole stack vs node:http + pg answering the same JSON with one
 * prepared statement, and vs PostGraphile 5 serving the same page over the same tables; one Hearth,
 * all three sides alternated in the same run.
 */
export const feedWorkload: Workload = {
  name: 'P1 feed',
  run: (ctx: BenchContext) =>
    compareHttp(ctx, {
      name: 'P1 feed',
      hearth: { ...hearthSide(FEED, FEED_VARIABLES), normalize: asItems },
      baselines: [
        { side: { ...rawSide('raw-feed.js'), normalize: asItems }, minThroughputRatio: 0.6, maxP99Factor: 2 },
        { side: postGraphile, workload: 'P1 vs PostGraphile', minThroughputRatio: 1, p99Row: false },
      ],
      samePage: true,
    }),
};
