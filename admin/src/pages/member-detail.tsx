import type { ChartConfiguration } from 'chart.js';
import { useMemo, useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { messageOf } from '../api/hearth';
import { useGraphQL, useMutation } from '../api/use-graphql';
import {
  MemberDetailDocument,
  SetMemberRoleDocument,
  SetMembershipDocument,
  type MemberDetailQuery,
  type Membership,
  type MemberRowFragment,
  type Role,
} from '../generated/graphql';
import { toWindow } from '../lib/dates';
import { count, date, days, NONE, shortDate } from '../lib/format';
import { useDateRange } from '../lib/url-state';
import { ChartFigure, PALETTE } from '../ui/chart-figure';
import { EnumSelect, SaveStatus } from '../ui/controls';
import { DateRangePicker } from '../ui/date-range';
import { Figures } from '../ui/figures';
import { PageHeader } from '../ui/layout';
import { ErrorNote, Loading } from '../ui/status';
import { SuspensionForm } from './moderation/suspension-form';
import { MEMBERSHIPS, ROLES } from './members';

type Day = MemberDetailQuery['memberActivity'][number];

/** One member: who they are, how they engaged over the range (visits and views per day), their role and membership. */
export function MemberDetail({ id }: { id: string }) {
  const [range, setRange] = useDateRange();
  const window = useMemo(() => toWindow(range), [range]);
  const { data, error, loading, reload } = useGraphQL(MemberDetailDocument, { id, ...window });
  const activity = data?.memberActivity;
  const chart = useMemo(
    () =>
      ({
        type: 'bar',
        data: {
          labels: (activity ?? []).map((day) => shortDate(day.day)),
          datasets: [
            { label: 'Visits', data: (activity ?? []).map((day) => day.visits), backgroundColor: PALETTE[0] },
            { label: 'Content views', data: (activity ?? []).map((day) => day.views), backgroundColor: PALETTE[2] },
          ],
        },
        options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: 'bottom' } } },
      }) satisfies ChartConfiguration<'bar' | 'line'>,
    [activity],
  );
  if (!data) return loading ? <Loading what="the member" /> : <ErrorNote error={error} retry={reload} />;
  const { member, memberEngagement: engagement } = data;
  // A lookup of a deleted member may answer null (with NOT_FOUND) rather than fail the whole request.
  if (!member) return <ErrorNote error={error} />;
  const activeDays = data.memberActivity.filter((day) => day.visits || day.views);
  return (
    <>
      <p className="breadcrumb">
        <Link href="/members">Members</Link>
      </p>
      <PageHeader title={member.displayName}>
        <DateRangePicker range={range} onChange={setRange} />
      </PageHeader>
      <p className="lead">
        {[member.jobTitle, member.company, member.email].filter(Boolean).join(' · ')} · joined {date(member.createdAt)}
      </p>
      <ErrorNote error={error} retry={reload} />
      <Figures
        label="Engagement in the range"
        items={[
          { id: 'visits', label: 'Visits', value: count(engagement.visits) },
          { id: 'visit-days', label: 'Visit days', value: count(engagement.visitDays) },
          { id: 'revisit', label: 'Revisit interval', value: days(engagement.revisitIntervalDays) },
          { id: 'items-seen', label: 'Items seen', value: count(engagement.itemsSeen) },
          { id: 'last-visit', label: 'Last visit', value: date(member.lastVisitAt) },
        ]}
      />
      <p>
        <strong>Themes viewed most:</strong>{' '}
        {engagement.topThemes.map((theme) => `${theme.name} (${count(theme.views)})`).join(', ') || NONE}
      </p>
      <ChartFigure
        title="Visits and views per day"
        summary={`Bar chart of daily visits and content views: ${activeDays.length} active days in the range.`}
        config={chart}
        columns={[
          { header: 'Day', cell: (day: Day) => date(day.day) },
          { header: 'Visits', cell: (day) => count(day.visits), numeric: true },
          { header: 'Views', cell: (day) => count(day.views), numeric: true },
        ]}
        rows={data.memberActivity}
      />
      <AccountForm member={member} onSaved={reload} />
      <SuspensionForm member={member} onSaved={reload} />
    </>
  );
}

/** Role, membership and renewal date. */
function AccountForm({ member, onSaved }: { member: MemberRowFragment; onSaved: () => void }) {
  const [role, setRole] = useState<Role>(member.role);
  const [membership, setMembership] = useState<Membership>(member.membership);
  const [renewal, setRenewal] = useState(member.renewalDate ?? '');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const setRoleMutation = useMutation(SetMemberRoleDocument);
  const setMembershipMutation = useMutation(SetMembershipDocument);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    try {
      if (role !== member.role) await setRoleMutation.run({ memberId: member.id, role });
      if (membership !== member.membership || renewal !== (member.renewalDate ?? '')) {
        await setMembershipMutation.run({
          memberId: member.id,
          membership,
          renewalDate: membership === 'PAID' && renewal ? renewal : null,
        });
      }
      setMessage({ ok: true, text: 'Saved.' });
      onSaved();
    } catch (error) {
      setMessage({ ok: false, text: messageOf(error) });
    }
  };
  return (
    <section aria-labelledby="account-title">
      <h2 id="account-title">Account</h2>
      <form className="form-grid" onSubmit={save}>
        <EnumSelect label="Role" value={role} options={ROLES} onChange={(value) => value && setRole(value)} />
        <EnumSelect label="Membership" value={membership} options={MEMBERSHIPS} onChange={(value) => value && setMembership(value)} />
        <label>
          Renewal date
          <input type="date" value={renewal} disabled={membership !== 'PAID'} onChange={(event) => setRenewal(event.target.value)} />
        </label>
        <div className="actions">
          <button type="submit" disabled={setRoleMutation.pending || setMembershipMutation.pending}>
            Save
          </button>
          <SaveStatus status={message} />
        </div>
      </form>
    </section>
  );
}
