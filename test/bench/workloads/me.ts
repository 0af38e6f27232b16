import type { BenchContext, Workload } from '../run';
import { compareHttp, hearthSide, rawSide } from '../compare-http';

/** W1: the `me` query through the whole stack vs node:http + pg (the same token check, the same select). */
export const meWorkload: Workload = {
  name: 'W1 me',
  run: (ctx: BenchContext) =>
    compareHttp(ctx, {
      name: 'W1 me',
      hearth: hearthSide('{ me { id displayName email company role } }'),
      baselines: [{ side: rawSide('raw-me.js') }],
      samePage: true,
    }),
};
