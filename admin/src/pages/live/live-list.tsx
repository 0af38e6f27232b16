import { useMemo, useState } from 'react';
import { Link } from 'wouter';
import { useGraphQL } from '../../api/use-graphql';
import { LiveSessionsDocument, LiveSummaryDocument, type LiveSessionStatus, type ScheduledSessionFragment } from '../../generated/graphql';
import { toWindow } from '../../lib/dates';
import { count, dateTime, NONE, percent, titleCase } from '../../lib/format';
import { useDateRange, useUrlState } from '../../lib/url-state';
import { usePages } from '../../lib/use-pages';
import { EnumSelect } from '../../ui/controls';
import { DataTable } from '../../ui/data-table';
import { DateRangePicker } from '../../ui/date-range';
import { Figures } from '../../ui/figures';
import { PageHeader } from '../../ui/layout';
import { ErrorNote, MoreButton } from '../../ui/status';

const STATUSES: LiveSessionStatus[] = ['SCHEDULED', 'LIVE', 'ENDED', 'CANCELLED'];

/** Sessions (upcoming by default, soonest first) and the KPIs of those that started in the range. */
export function LiveList() {
  const [params, set] = useUrlState();
  const [range, setRange] = useDateRange();
  const status = STATUSES.includes(params.get('status') as LiveSessionStatus) ? (params.get('status') as LiveSessionStatus) : null;
  const all = params.get('show') === 'all';
  // "Upcoming" means not over yet: read once per visit of the page, so paging does not shift.
  const [now] = useState(() => new Date().toISOString());
  const key = JSON.stringify([status, all]);
  const [after, setAfter] = useState<{ key: string; cursor: string | null }>({ key, cursor: null });
  const cursor = after.key === key ? after.cursor : null;
  const { data, fresh, error, loading, reload } = useGraphQL(LiveSessionsDocument, {
    status,
    from: all ? null : now,
    first: 25,
    after: cursor,
  });
  const connection = data?.liveSessions;
  const nodes = useMemo(() => (fresh ? connection?.edges.map((e) => e.node) : undefined), [connection, fresh]);
  const rows = usePages(key, cursor, nodes);
  const summary = useGraphQL(
    LiveSummaryDocument,
    useMemo(() => toWindow(range), [range]),
  );
  const kpis = summary.data?.liveSessionsSummary;
  return (
    <>
      <PageHeader title="Live sessions">
        <Link href="/live/new" className="button">
          Schedule a session
        </Link>
      </PageHeader>
      <section aria-labelledby="summary-title">
        <div className="page-header">
          <h2 id="summary-title">Sessions that started in the range</h2>
          <DateRangePicker range={range} onChange={setRange} />
        </div>
        <ErrorNote error={summary.error} retry={summary.reload} />
        {kpis ? (
          <Figures
            label="Live sessions summary"
            items={[
              { id: 'sessions', label: 'Sessions', value: count(kpis.sessions) },
              { id: 'registrants', label: 'Registrants', value: count(kpis.registrants) },
              {
                id: 'attendance',
                label: 'Attendance rate',
                value: percent(kpis.attendanceRate),
                hint: `${count(kpis.attendees)} attendees`,
              },
              { id: 'minutes', label: 'Mean minutes attended', value: kpis.meanMinutesAttended.toFixed(1) },
              { id: 'replay-views', label: 'Replay views', value: count(kpis.replayViews) },
              { id: 'meetings', label: 'Meetings accepted', value: `${count(kpis.meetingsAccepted)} of ${count(kpis.meetingsRequested)}` },
              { id: 'leads', label: 'Partner leads', value: count(kpis.leads) },
            ]}
          />
        ) : null}
      </section>
      <section aria-labelledby="sessions-title">
        <h2 id="sessions-title">{all ? 'All sessions' : 'Upcoming and live sessions'}</h2>
        <div className="filters" role="group" aria-label="Filters">
          <label>
            Show
            <select value={all ? 'all' : 'upcoming'} onChange={(event) => set({ show: event.target.value === 'all' ? 'all' : null })}>
              <option value="upcoming">Not over yet</option>
              <option value="all">All, past included</option>
            </select>
          </label>
          <EnumSelect label="Status" value={status} options={STATUSES} anyLabel="Any status" onChange={(value) => set({ status: value })} />
        </div>
        <ErrorNote error={error} retry={reload} />
        <DataTable
          caption="Live sessions, soonest first"
          rows={rows}
          rowKey={(session) => session.id}
          empty={loading ? 'Loading…' : 'No session to show.'}
          columns={[
            { header: 'Session', cell: (session: ScheduledSessionFragment) => <Link href={`/live/${session.id}`}>{session.title}</Link> },
            { header: 'Starts', cell: (session) => dateTime(session.startsAt) },
            {
              header: 'Status',
              cell: (session) => <span className={`badge ${session.status.toLowerCase()}`}>{titleCase(session.status)}</span>,
            },
            {
              header: 'Registrants',
              cell: (session) =>
                session.capacity ? `${count(session.registrantCount)} / ${count(session.capacity)}` : count(session.registrantCount),
              numeric: true,
            },
            { header: 'Speakers', cell: (session) => session.speakers.map((speaker) => speaker.displayName).join(', ') || NONE },
            { header: 'Partner', cell: (session) => session.partner?.displayName ?? NONE },
          ]}
        />
        <MoreButton
          hasMore={Boolean(fresh && connection?.pageInfo.hasNextPage)}
          loading={loading}
          onMore={() => setAfter({ key, cursor: connection?.pageInfo.endCursor ?? null })}
        />
      </section>
    </>
  );
}
