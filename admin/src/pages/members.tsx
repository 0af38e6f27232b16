import { useEffect, useMemo, useState } from 'react';
import { Link, useRoute } from 'wouter';
import { useGraphQL } from '../api/use-graphql';
import { MembersDocument, type Membership, type MemberRowFragment, type Role } from '../generated/graphql';
import { count, date, NONE, titleCase } from '../lib/format';
import { useUrlState } from '../lib/url-state';
import { useDebounced } from '../lib/use-debounced';
import { usePages } from '../lib/use-pages';
import { EnumSelect } from '../ui/controls';
import { DataTable } from '../ui/data-table';
import { PageHeader } from '../ui/layout';
import { ErrorNote, MoreButton } from '../ui/status';
import { MemberDetail } from './member-detail';

export const ROLES: Role[] = ['MEMBER', 'SPEAKER', 'PARTNER', 'MODERATOR', 'ADMIN'];
export const MEMBERSHIPS: Membership[] = ['FREE', 'PAID'];

/** /members and /members/:id. */
export function MembersPage() {
  const [, params] = useRoute('/members/:id');
  return params ? <MemberDetail id={params.id} /> : <MemberList />;
}

function MemberList() {
  const [params, set] = useUrlState();
  const [search, setSearch] = useState(params.get('q') ?? '');
  const settled = useDebounced(search.trim(), 300);
  useEffect(() => {
    if (settled !== (params.get('q') ?? '')) set({ q: settled });
  }, [settled, params, set]);
  const role = ROLES.includes(params.get('role') as Role) ? (params.get('role') as Role) : null;
  const membership = MEMBERSHIPS.includes(params.get('membership') as Membership) ? (params.get('membership') as Membership) : null;
  const q = params.get('q') || null;
  const key = JSON.stringify([q, role, membership]);
  const [after, setAfter] = useState<{ key: string; cursor: string | null }>({ key, cursor: null });
  const cursor = after.key === key ? after.cursor : null;
  const { data, fresh, error, loading, reload } = useGraphQL(MembersDocument, { search: q, role, membership, first: 25, after: cursor });
  const connection = data?.members;
  const nodes = useMemo(() => (fresh ? connection?.edges.map((e) => e.node) : undefined), [connection, fresh]);
  const rows = usePages(key, cursor, nodes);
  return (
    <>
      <PageHeader title="Members" />
      <div className="filters" role="search" aria-label="Find members">
        <label>
          Search
          <input type="search" value={search} placeholder="Name, email or company" onChange={(event) => setSearch(event.target.value)} />
        </label>
        <EnumSelect label="Role" value={role} options={ROLES} anyLabel="All roles" onChange={(value) => set({ role: value })} />
        <EnumSelect
          label="Membership"
          value={membership}
          options={MEMBERSHIPS}
          anyLabel="Free and paid"
          onChange={(value) => set({ membership: value })}
        />
      </div>
      <ErrorNote error={error} retry={reload} />
      <DataTable
        caption={`Members, newest first${rows.length ? ` (${count(rows.length)} shown)` : ''}`}
        rows={rows}
        rowKey={(row) => row.id}
        empty={loading ? 'Loading…' : 'No member matches.'}
        columns={[
          { header: 'Name', cell: (row: MemberRowFragment) => <Link href={`/members/${row.id}`}>{row.displayName}</Link> },
          { header: 'Email', cell: (row) => row.email ?? NONE },
          { header: 'Company', cell: (row) => row.company ?? NONE },
          { header: 'Role', cell: (row) => titleCase(row.role) },
          { header: 'Membership', cell: (row) => titleCase(row.membership) },
          { header: 'Renewal', cell: (row) => date(row.renewalDate) },
          { header: 'Last visit', cell: (row) => date(row.lastVisitAt) },
        ]}
      />
      <MoreButton
        hasMore={Boolean(fresh && connection?.pageInfo.hasNextPage)}
        loading={loading}
        onMore={() => setAfter({ key, cursor: connection?.pageInfo.endCursor ?? null })}
      />
    </>
  );
}
