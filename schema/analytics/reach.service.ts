import type { Context } from '../../server/context';
import { processReads } from '../../server/db/read-query';
import { decodeOffset, toOffsetConnection, type ConnectionShape } from '../../server/pagination';
import { assertWindow } from './analytics.errors';
import { publishedWithin, reachRows } from './analytics.queries';
import type { ContentReachArgs } from './analytics.inputs';
import { ReachGroupBy, type ContentReachRow } from './analytics.types';

export type ReachServiceDeps = Pick<Context, 'orm' | 'visitTracker'>;

/**
 * How much of what is published is seen: the second KPI. Its reads need no unit of work: they go
 * through the process's EntityManager (processReads), as a feed page's do, forking none per request.
 */
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
    await this.flushActivityThatCounts(from, to);
    const offset = decodeOffset(after);
    const rows = await reachRows(processReads(this.ctx.orm), { from, to, groupBy, orderBy, type, themeSlug, offset, limit: first + 1 });
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

  /**
   * Activity this instance has coalesced but not written belongs in the answer, but writing it is
   * a transaction with the visit triggers and a commit: as long as the KPI's statement itself, now
   * that content_view_day serves it. An item counts the members whose latest visit is at or after
   * its publication (PRODUCT.md), and unwritten activity moves latest visits only inside the
   * tracker's spans: the answer can change only if an item of the window was published in one.
   */
  private async flushActivityThatCounts(from: Date, to: Date): Promise<void> {
    const spans = this.ctx.visitTracker.unwrittenSpans();
    if (spans === undefined) return this.ctx.visitTracker.flush();
    const inWindow = spans
      .map(({ after, upTo }) => ({ after: Math.max(after, from.getTime() - 1), upTo: Math.min(upTo, to.getTime()) }))
      .filter(({ after, upTo }) => after < upTo);
    if (inWindow.length && (await publishedWithin(processReads(this.ctx.orm), mergeSpans(inWindow)))) await this.ctx.visitTracker.flush();
  }
}

/** Overlapping spans as one, so that a busy instance's hundreds of members make a few probes. */
function mergeSpans(spans: { after: number; upTo: number }[]): { after: number; upTo: number }[] {
  const merged: { after: number; upTo: number }[] = [];
  for (const span of [...spans].sort((a, b) => a.after - b.after)) {
    const last = merged.at(-1);
    if (last && span.after <= last.upTo) last.upTo = Math.max(last.upTo, span.upTo);
    else merged.push({ ...span });
  }
  return merged;
}
