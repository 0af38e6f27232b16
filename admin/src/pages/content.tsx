import { useMemo, useState } from 'react';
import { useGraphQL } from '../api/use-graphql';
import { ContentReachDocument, ThemesDocument, type ContentReachQuery, type ContentType, type ReachOrderBy } from '../generated/graphql';
import { toWindow } from '../lib/dates';
import { count, date, percent, seconds, titleCase } from '../lib/format';
import { useDateRange, useUrlState } from '../lib/url-state';
import { usePages } from '../lib/use-pages';
import { EnumSelect } from '../ui/controls';
import { DataTable, type Column } from '../ui/data-table';
import { DateRangePicker } from '../ui/date-range';
import { PageHeader } from '../ui/layout';
import { ErrorNote, MoreButton } from '../ui/status';

type Row = ContentReachQuery['contentReach']['edges'][number]['node'];

const TYPES: ContentType[] = ['ARTICLE', 'VIDEO', 'PODCAST', 'DOCUMENT', 'REPLAY'];
const ORDERS: ReachOrderBy[] = ['REACH_ASC', 'REACH_DESC', 'VIEWS', 'UNIQUE_VIEWERS', 'NEWEST'];
const isOrder = (value: string | null): value is ReachOrderBy => ORDERS.includes(value as ReachOrderBy);
const isType = (value: string | null): value is ContentType => TYPES.includes(value as ContentType);

/** A column header that sorts: which order it shows, and which a click asks for. */
function sortable(
  order: ReachOrderBy,
  setOrder: (order: ReachOrderBy) => void,
  descending: ReachOrderBy,
  ascending?: ReachOrderBy,
): Column<Row>['sort'] {
  const active = order === descending ? 'descending' : order === ascending ? 'ascending' : null;
  return { active, onSort: () => setOrder(active === 'descending' && ascending ? ascending : descending) };
}

/**
 * Reach per item: by default the items of the last 30 days that the fewest could-have-seen
 * members saw, first: what to push in the next digest.
 */
export function ContentPage() {
  const [range, setRange] = useDateRange();
  const [params, set] = useUrlState();
  const order = isOrder(params.get('sort')) ? (params.get('sort') as ReachOrderBy) : 'REACH_ASC';
  const type = isType(params.get('type')) ? (params.get('type') as ContentType) : null;
  const themeSlug = params.get('theme') || null;
  const window = useMemo(() => toWindow(range), [range]);
  const key = JSON.stringify([window, order, type, themeSlug]);
  const [after, setAfter] = useState<{ key: string; cursor: string | null }>({ key, cursor: null });
  const cursor = after.key === key ? after.cursor : null;
  const themes = useGraphQL(ThemesDocument, {});
  const { data, fresh, error, loading, reload } = useGraphQL(ContentReachDocument, {
    ...window,
    orderBy: order,
    type,
    themeSlug,
    first: 25,
    after: cursor,
  });
  const connection = data?.contentReach;
  const nodes = useMemo(() => (fresh ? connection?.edges.map((e) => e.node) : undefined), [connection, fresh]);
  const rows = usePages(key, cursor, nodes);
  const setOrder = (next: ReachOrderBy) => set({ sort: next === 'REACH_ASC' ? null : next });
  const columns: Column<Row>[] = [
    { header: 'Item', cell: (row) => row.label },
    { header: 'Type', cell: (row) => (row.content ? titleCase(row.content.type) : '') },
    { header: 'Themes', cell: (row) => row.content?.themes.map((theme) => theme.name).join(', ') },
    { header: 'Published', cell: (row) => date(row.publishedAt), sort: sortable(order, setOrder, 'NEWEST') },
    { header: 'Reach', cell: (row) => percent(row.reach), numeric: true, sort: sortable(order, setOrder, 'REACH_DESC', 'REACH_ASC') },
    { header: 'Unique viewers', cell: (row) => count(row.uniqueViewers), numeric: true, sort: sortable(order, setOrder, 'UNIQUE_VIEWERS') },
    { header: 'Could have seen', cell: (row) => count(row.eligibleMembers), numeric: true },
    { header: 'Views', cell: (row) => count(row.views), numeric: true, sort: sortable(order, setOrder, 'VIEWS') },
    { header: 'Mean time', cell: (row) => seconds(row.meanSecondsViewed), numeric: true },
  ];
  return (
    <>
      <PageHeader title="Content">
        <DateRangePicker range={range} onChange={setRange} />
      </PageHeader>
      <p className="lead">
        Items published in the range. Reach: unique viewers among the members who visited after the item was published.
      </p>
      <div className="filters" role="group" aria-label="Filters">
        <EnumSelect label="Type" value={type} options={TYPES} anyLabel="All types" onChange={(value) => set({ type: value })} />
        <label>
          Theme
          <select value={themeSlug ?? ''} onChange={(event) => set({ theme: event.target.value })}>
            <option value="">All themes</option>
            {themes.data?.themes.map((theme) => (
              <option key={theme.slug} value={theme.slug}>
                {theme.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote error={error} retry={reload} />
      <DataTable
        caption={order === 'REACH_ASC' ? 'Reach per item, least seen first' : 'Reach per item'}
        columns={columns}
        rows={rows}
        rowKey={(row) => row.key}
        empty={loading ? 'Loading…' : 'No item published in this range.'}
      />
      <MoreButton
        hasMore={Boolean(fresh && connection?.pageInfo.hasNextPage)}
        loading={loading}
        onMore={() => setAfter({ key, cursor: connection?.pageInfo.endCursor ?? null })}
      />
    </>
  );
}
