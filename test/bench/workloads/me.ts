import type { BenchContext, Workload } from '../run';
import { compareHttp } from '../compare-http';

/** W1: the `me` query through the whole stack vs node:http + pg doing the same select. */
export const meWorkload: Workload = {
  name: 'W1 me',
  run: (ctx: BenchContext) =>
    compareHttp(ctx, { name: 'W1 me', query: '{ me { id displayName email company role } }', raw: 'raw-me.js', rawHeaders: { 'x-member-id': ctx.memberId } }),
};
