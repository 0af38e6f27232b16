import { Link } from 'wouter';
import { useGraphQL } from '../../api/use-graphql';
import { RulesDocument, type RuleFieldsFragment } from '../../generated/graphql';
import { count, dateTime } from '../../lib/format';
import { DataTable } from '../../ui/data-table';
import { PageHeader } from '../../ui/layout';
import { ErrorNote } from '../../ui/status';
import { describeTrigger } from './rule-form';

/** Every rule with its status and the worker's last run. */
export function RuleList() {
  const { data, error, loading, reload } = useGraphQL(RulesDocument, {});
  return (
    <>
      <PageHeader title="Rules">
        <Link href="/rules/new" className="button">
          New rule
        </Link>
      </PageHeader>
      <p className="lead">Each rule emails members the content they have not seen; its holdout measures whether it brings them back.</p>
      <ErrorNote error={error} retry={reload} />
      <DataTable
        caption="Engagement rules"
        rows={data?.engagementRules ?? []}
        rowKey={(rule) => rule.id}
        empty={loading ? 'Loading…' : 'No rule yet: create one.'}
        columns={[
          { header: 'Rule', cell: (rule: RuleFieldsFragment) => <Link href={`/rules/${rule.id}`}>{rule.name}</Link> },
          { header: 'Trigger', cell: (rule) => describeTrigger(rule) },
          {
            header: 'Status',
            cell: (rule) => <span className={`badge ${rule.enabled ? 'on' : 'off'}`}>{rule.enabled ? 'Enabled' : 'Disabled'}</span>,
          },
          { header: 'Holdout', cell: (rule) => `${rule.holdoutPercent} %`, numeric: true },
          {
            header: 'Last run',
            cell: (rule) => (rule.lastRunAt ? `${dateTime(rule.lastRunAt)} · ${count(rule.lastRunMembers)} selected` : 'Never'),
          },
        ]}
      />
    </>
  );
}
