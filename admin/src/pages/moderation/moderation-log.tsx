import { useMemo, useState } from 'react';
import { useGraphQL } from '../../api/use-graphql';
import { ModerationLogDocument, type ModerationLogQuery } from '../../generated/graphql';
import { count, dateTime, NONE, titleCase } from '../../lib/format';
import { usePages } from '../../lib/use-pages';
import { DataTable } from '../../ui/data-table';
import { PageHeader } from '../../ui/layout';
import { ErrorNote, MoreButton } from '../../ui/status';

type Entry = ModerationLogQuery['moderationLog']['edges'][number]['node'];

/** Every decision, newest first: who, what, when and why. */
export function ModerationLog() {
  const [cursor, setCursor] = useState<string | null>(null);
  const { data, fresh, error, loading, reload } = useGraphQL(ModerationLogDocument, { first: 50, after: cursor });
  const connection = data?.moderationLog;
  const nodes = useMemo(() => (fresh ? connection?.edges.map((edge) => edge.node) : undefined), [connection, fresh]);
  const rows = usePages('log', cursor, nodes);
  return (
    <>
      <PageHeader title="Moderation log" />
      <ErrorNote error={error} retry={reload} />
      <DataTable
        caption={`Moderation decisions, newest first${connection ? ` (${count(connection.totalCount)} in all)` : ''}`}
        rows={rows}
        rowKey={(row) => row.id}
        empty={loading ? 'Loading…' : 'No decision yet.'}
        columns={[
          { header: 'When', cell: (row: Entry) => dateTime(row.createdAt) },
          { header: 'Who', cell: (row) => row.actor?.displayName ?? 'Automatic' },
          { header: 'Action', cell: (row) => titleCase(row.action) },
          { header: 'Subject', cell: (row) => `${titleCase(row.subjectKind)} ${row.subjectId.slice(0, 8)}` },
          { header: 'Why', cell: (row) => row.note ?? NONE },
        ]}
      />
      <MoreButton
        hasMore={Boolean(fresh && connection?.pageInfo.hasNextPage)}
        loading={loading}
        onMore={() => setCursor(connection?.pageInfo.endCursor ?? null)}
      />
    </>
  );
}
