import { useMemo, useState } from 'react';
import { Link } from 'wouter';
import { useGraphQL } from '../api/use-graphql';
import { AtRiskMembersDocument, CompaniesDocument, type AtRiskMembersQuery, type CompaniesQuery } from '../generated/graphql';
import type { DayRange } from '../lib/dates';
import { count, date, days, NONE, percent, titleCase } from '../lib/format';
import { usePages } from '../lib/use-pages';
import { withParams } from '../lib/url-state';
import { DataTable } from '../ui/data-table';
import { ErrorNote, MoreButton } from '../ui/status';

type AtRisk = AtRiskMembersQuery['atRiskMembers']['edges'][number]['node'];
type Company = CompaniesQuery['companyEngagement']['edges'][number]['node'];

/** Members slipping away (no visit in 30 days, nothing seen in 60), paid renewals first. */
export function AtRiskTable({ range }: { range: DayRange }) {
  const [after, setAfter] = useState<string | null>(null);
  const { data, fresh, error, loading, reload } = useGraphQL(AtRiskMembersDocument, { first: 20, after });
  const connection = data?.atRiskMembers;
  const nodes = useMemo(() => (fresh ? connection?.edges.map((e) => e.node) : undefined), [connection, fresh]);
  const rows = usePages<AtRisk>('at-risk', after, nodes);
  return (
    <section aria-labelledby="at-risk-title">
      <h2 id="at-risk-title">At-risk members</h2>
      <p className="lead">
        No visit in the last 30 days and nothing seen in the last 60: paid members renewing within 60 days first. Open a member to see their
        visits and views.
      </p>
      <ErrorNote error={error} retry={reload} />
      <DataTable
        caption="At-risk members"
        rowKey={(row) => row.member.id}
        rows={rows}
        empty="Nobody is at risk."
        columns={[
          {
            header: 'Member',
            cell: (row: AtRisk) => (
              <Link href={withParams(`/members/${row.member.id}`, { from: range.from, to: range.to })}>{row.member.displayName}</Link>
            ),
          },
          { header: 'Company', cell: (row) => row.member.company ?? NONE },
          { header: 'Membership', cell: (row) => titleCase(row.member.membership) },
          { header: 'Renewal', cell: (row) => date(row.renewalDate) },
          { header: 'Last visit', cell: (row) => date(row.lastVisitAt) },
          { header: 'Last view', cell: (row) => date(row.lastViewAt) },
        ]}
      />
      <MoreButton
        hasMore={Boolean(connection?.pageInfo.hasNextPage)}
        loading={loading}
        onMore={() => setAfter(connection?.pageInfo.endCursor ?? null)}
      />
    </section>
  );
}

/** Accounts by size, with their engagement over the range. */
export function CompaniesTable({ window }: { window: { from: string; to: string } }) {
  const [after, setAfter] = useState<{ key: string; cursor: string | null }>({ key: '', cursor: null });
  const key = `${window.from}/${window.to}`;
  const cursor = after.key === key ? after.cursor : null;
  const { data, fresh, error, loading, reload } = useGraphQL(CompaniesDocument, { ...window, first: 20, after: cursor });
  const connection = data?.companyEngagement;
  const nodes = useMemo(() => (fresh ? connection?.edges.map((e) => e.node) : undefined), [connection, fresh]);
  const rows = usePages<Company>(key, cursor, nodes);
  return (
    <section aria-labelledby="companies-title">
      <h2 id="companies-title">Companies</h2>
      <ErrorNote error={error} retry={reload} />
      <DataTable
        caption="Engagement by company"
        rowKey={(row) => row.company}
        rows={rows}
        empty="No company in this range."
        columns={[
          { header: 'Company', cell: (row: Company) => row.company },
          { header: 'Members', cell: (row) => count(row.members), numeric: true },
          { header: 'Active', cell: (row) => count(row.activeMembers), numeric: true },
          { header: 'Mean revisit', cell: (row) => days(row.revisitMeanDays), numeric: true },
          { header: 'Median revisit', cell: (row) => days(row.revisitMedianDays), numeric: true },
          { header: 'Reach', cell: (row) => percent(row.contentReach), numeric: true },
          { header: 'At risk', cell: (row) => count(row.atRiskMembers), numeric: true },
        ]}
      />
      <MoreButton
        hasMore={Boolean(connection?.pageInfo.hasNextPage)}
        loading={loading}
        onMore={() => setAfter({ key, cursor: connection?.pageInfo.endCursor ?? null })}
      />
    </section>
  );
}
