import type { Context } from '../../server/context';
import { decodeOffset, toOffsetConnection, type ConnectionShape } from '../../server/pagination';
import { assertWindow } from './analytics.errors';
import { eligibleSince, LAST_VISIT_CTE } from './visit-days.sql';
import type { ContentReachArgs } from './analytics.inputs';
import { ReachGroupBy, ReachOrderBy, type ContentReachRow } from './analytics.types';

/** Which items of the window to count; each filter given adds a parameter after `to`. */
export interface ReachFilters {
  type?: boolean;
  theme?: boolean;
}

/**
 * Per item published in the window (not drafts): views and unique viewers recorded before the
 * window's end, and eligible members (PRODUCT.md: at least one visit since it was published,
 * before the window's end). Groups sum their items. Params: from, to, [type], [theme slug],
 * offset, limit.
 */
export function reachSql(groupBy: ReachGroupBy, orderBy: ReachOrderBy, filters: ReachFilters = {}): string {
  const group = {
    [ReachGroupBy.ITEM]: { key: 'i.id::text', label: 'i.title', from: '' },
    [ReachGroupBy.TYPE]: { key: 'i.type::text', label: 'i.type::text', from: '' },
    [ReachGroupBy.THEME]: {
      key: 't.slug',
      label: 't.name',
      from: 'join content_theme ct on ct.content_id = i.id join theme t on t.id = ct.theme_id',
    },
  }[groupBy];
  const order = {
    [ReachOrderBy.REACH_ASC]: 'reach asc, published_at desc, key asc',
    [ReachOrderBy.REACH_DESC]: 'reach desc, key asc',
    [ReachOrderBy.VIEWS]: 'views desc, key asc',
    [ReachOrderBy.UNIQUE_VIEWERS]: 'viewers desc, key asc',
    [ReachOrderBy.NEWEST]: 'published_at desc, key asc',
  }[orderBy];
  const filter = [
    filters.type ? 'and c.type::text = ?' : '',
    filters.theme
      ? 'and exists (select 1 from content_theme ft join theme t on t.id = ft.theme_id where ft.content_id = c.id and t.slug = ?)'
      : '',
  ].join(' ');
  return `
-- Not materialized: the planner sees the window's bounds (a year of views is read whole, a week by index).
with params as not materialized (select ?::timestamptz as from_at, ?::timestamptz as to_at),
items as not materialized (
  select c.id, c.title, c.type, c.published_at from content c, params p
  where c.published_at >= p.from_at and c.published_at < p.to_at and c.status <> 'DRAFT' ${filter}
),
-- Views and unique viewers per item from content_view (content_id, member_id) alone; seconds,
-- which heartbeats keep changing and no index holds, from the rows.
view_counts as materialized (
  select i.id as content_id, counted.views, counted.viewers from items i, params p
  cross join lateral (
    select count(*)::int as views, count(distinct v.member_id)::int as viewers
    from content_view v where v.content_id = i.id and v.first_seen_at < p.to_at
  ) counted
),
view_seconds as (
  select v.content_id, sum(v.seconds)::bigint as seconds
  from content_view v, params p
  where v.content_id in (select id from items) and v.first_seen_at < p.to_at group by v.content_id
),
${LAST_VISIT_CTE},
member_lasts as materialized (
  select array_agg(last_visit order by last_visit) as lasts, count(*)::int as n from member_last_visit
),
eligible as materialized (
  select i.id, ${eligibleSince('ml.lasts', 'ml.n', 'i.published_at')}::int as members from items i, member_lasts ml
),
grouped as (
  select ${group.key} as key, min(${group.label}) as label, count(*)::int as items,
         sum(vc.views)::int as views, sum(vc.viewers)::int as viewers,
         coalesce(sum(e.members), 0)::int as eligible, sum(s.seconds) as seconds, max(i.published_at) as published_at
  from items i ${group.from}
  join view_counts vc on vc.content_id = i.id
  left join view_seconds s on s.content_id = i.id
  left join eligible e on e.id = i.id
  group by 1
)
select key, label, items, views, viewers, eligible, published_at,
       coalesce(viewers::float8 / nullif(eligible, 0), 0) as reach,
       (seconds::float8 / nullif(views, 0)) as mean_seconds
from grouped order by ${order} offset ? limit ?`;
}

interface ReachRow {
  key: string;
  label: string;
  items: number;
  views: number;
  viewers: number;
  eligible: number;
  reach: number;
  mean_seconds: number | null;
  published_at: Date | string;
}

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
    const filters = { type: Boolean(type), theme: Boolean(themeSlug) };
    const params = [from, to, ...(type ? [type] : []), ...(themeSlug ? [themeSlug] : []), offset, first + 1];
    const rows = await this.ctx.em.execute<ReachRow[]>(reachSql(groupBy, orderBy, filters), params);
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
