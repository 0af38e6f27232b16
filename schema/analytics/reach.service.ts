import type { Context } from '../../server/context';
import { decodeOffset, toOffsetConnection, type ConnectionShape } from '../../server/pagination';
import { assertWindow } from './analytics.errors';
import { reachRows } from './analytics.queries';
import type { ContentReachArgs } from './analytics.inputs';
import { ReachGroupBy, type ContentReachRow } from './analytics.types';

export type ReachServiceDeps = Pick<Context, 'em' | 'visitTracker'>;

/** How much of what is published is seen: the second KPI. */
export class ReachService {
  constructor(private readonly ctx: ReachServiceDeps) {}

  async contentReach({
    from,
    to,
    groupBy,
    orderBy,
    type,
    themeSlug,
    first,
    after,
  }: ContentReachArgs): Promise<ConnectionShape<ContentReachRow>> {
    assertWindow(from, to);
    await this.ctx.visitTracker.flush();
    const offset = decodeOffset(after);
    const rows = await reachRows(this.ctx.em, { from, to, groupBy, orderBy, type, themeSlug, offset, limit: first + 1 });
    return toOffsetConnection(rows, first, offset, (row) => ({
      key: row.key,
      label: row.label,
      items: row.items,
      views: row.views,
      uniqueViewers: row.viewers,
      eligibleMembers: row.eligible,
      reach: Math.round(row.reach * 1e6) / 1e6,
      meanSecondsViewed: row.mean_seconds === null ? null : Math.round(row.mean_seconds * 100) / 100,
      publishedAt: new Date(row.published_at),
      itemId: groupBy === ReachGroupBy.ITEM ? row.key : null,
    }));
  }
}
