import { useMemo, useState } from 'react';
import { useGraphQL } from '../../api/use-graphql';
import { ModerationQueueDocument, type ModerationCaseCardFragment, type ModerationCaseStatus } from '../../generated/graphql';
import { count } from '../../lib/format';
import { useUrlState } from '../../lib/url-state';
import { usePages } from '../../lib/use-pages';
import { EnumSelect } from '../../ui/controls';
import { PageHeader } from '../../ui/layout';
import { ErrorNote, MoreButton } from '../../ui/status';
import { CaseCard } from './case-card';

const STATUSES: ModerationCaseStatus[] = ['OPEN', 'RESOLVED'];

/** Cases, one per reported subject, the longest waiting first; each resolved in place. */
export function ModerationQueue() {
  const [params, set] = useUrlState();
  const status: ModerationCaseStatus = params.get('status') === 'RESOLVED' ? 'RESOLVED' : 'OPEN';
  const [after, setAfter] = useState<{ key: string; cursor: string | null }>({ key: status, cursor: null });
  const cursor = after.key === status ? after.cursor : null;
  const { data, fresh, error, loading, reload } = useGraphQL(ModerationQueueDocument, { status, first: 20, after: cursor });
  const connection = data?.moderationQueue;
  const nodes = useMemo(() => (fresh ? connection?.edges.map((edge) => edge.node) : undefined), [connection, fresh]);
  const rows = usePages(status, cursor, nodes);
  // A case resolved here stays on screen, showing the decision, until the queue is loaded again.
  const [decided, setDecided] = useState<Record<string, ModerationCaseCardFragment>>({});
  const total = fresh ? connection?.totalCount : undefined;
  return (
    <>
      <PageHeader title="Moderation">
        <div className="filters">
          <EnumSelect
            label="Cases"
            value={status}
            options={STATUSES}
            onChange={(value) => set({ status: value === 'RESOLVED' ? 'RESOLVED' : null })}
          />
        </div>
      </PageHeader>
      <p className="lead" aria-live="polite">
        {total == null
          ? 'Loading cases…'
          : `${count(total)} ${status === 'OPEN' ? 'open' : 'resolved'} ${total === 1 ? 'case' : 'cases'}${status === 'OPEN' ? ', the longest waiting first' : ''}.`}
      </p>
      <ErrorNote error={error} retry={reload} />
      {rows.length === 0 && !loading ? <p className="empty">{status === 'OPEN' ? 'Nothing to review.' : 'No case resolved yet.'}</p> : null}
      {rows.map((row) => (
        <CaseCard
          key={row.id}
          moderationCase={decided[row.id] ?? row}
          onResolved={(resolved) => setDecided((previous) => ({ ...previous, [resolved.id]: resolved }))}
        />
      ))}
      <MoreButton
        hasMore={Boolean(fresh && connection?.pageInfo.hasNextPage)}
        loading={loading}
        onMore={() => setAfter({ key: status, cursor: connection?.pageInfo.endCursor ?? null })}
      />
    </>
  );
}
