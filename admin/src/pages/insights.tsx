import type { ChartConfiguration } from 'chart.js';
import { useMemo, useState } from 'react';
import { Link } from 'wouter';
import { useGraphQL } from '../api/use-graphql';
import {
  InsightsDocument,
  RevisitTrendDocument,
  type BandsFragment,
  type InsightsQuery,
  type ReachFiguresFragment,
  type RevisitTrendQuery,
} from '../generated/graphql';
import { toWindow } from '../lib/dates';
import { count, date, days, percent, shortDate } from '../lib/format';
import { useDateRange } from '../lib/url-state';
import { ChartFigure, PALETTE } from '../ui/chart-figure';
import { DateRangePicker } from '../ui/date-range';
import { Figures } from '../ui/figures';
import { PageHeader } from '../ui/layout';
import { ErrorNote, Loading } from '../ui/status';
import { AtRiskTable, CompaniesTable } from './insights-tables';

/** The revisit bands of PRODUCT.md, in their order. */
export const BANDS: { key: keyof Omit<BandsFragment, '__typename'>; label: string }[] = [
  { key: 'daily', label: 'Daily (≤ 1.5 days)' },
  { key: 'weekly', label: 'Weekly (≤ 7 days)' },
  { key: 'monthly', label: 'Monthly (≤ 30 days)' },
  { key: 'rare', label: 'Rare (> 30 days)' },
  { key: 'oneVisit', label: 'One visit day' },
  { key: 'noVisit', label: 'No visit' },
];

/** The landing page: the two numbers of the thesis (revisit frequency, content reach), and who is slipping away. */
export function InsightsPage() {
  const [range, setRange] = useDateRange();
  const window = useMemo(() => toWindow(range), [range]);
  const { data, error, loading, reload } = useGraphQL(InsightsDocument, window);
  // The key figures first: the trend and the tables share the server's time with them otherwise.
  const figuresShown = useFirstTrue(Boolean(data));
  const trend = useGraphQL(RevisitTrendDocument, window, { skip: !figuresShown });
  return (
    <>
      <PageHeader title="Insights">
        <DateRangePicker range={range} onChange={setRange} />
      </PageHeader>
      <ErrorNote error={error} retry={reload} />
      {data ? <RevisitSection data={data} trend={trend.data?.revisitFrequencyTrend} /> : loading ? <Loading what="insights" /> : null}
      {data ? (
        <ReachSection byType={data.reachByType.edges.map((e) => e.node)} byTheme={data.reachByTheme.edges.map((e) => e.node)} />
      ) : null}
      {figuresShown ? (
        <>
          <AtRiskTable range={range} />
          <CompaniesTable window={window} />
        </>
      ) : null}
    </>
  );
}

/** Whether `value` has been true once (it stays so). */
function useFirstTrue(value: boolean): boolean {
  const [seen, setSeen] = useState(value);
  if (value && !seen) setSeen(true);
  return seen || value;
}

type TrendPoint = RevisitTrendQuery['revisitFrequencyTrend'][number];

const NO_POINTS: TrendPoint[] = [];

function RevisitSection({ data, trend: loadedTrend }: { data: InsightsQuery; trend?: TrendPoint[] }) {
  const trend = loadedTrend ?? NO_POINTS;
  const { revisitFrequency: revisit } = data;
  const bandRows = BANDS.map((band) => ({ label: band.label, members: revisit.bands[band.key] }));
  const bandsChart = useMemo(
    () =>
      ({
        type: 'bar',
        data: {
          labels: ['Members'],
          datasets: BANDS.map((band, index) => ({ label: band.label, data: [revisit.bands[band.key]], backgroundColor: PALETTE[index] })),
        },
        options: {
          indexAxis: 'y',
          scales: { x: { stacked: true, title: { display: true, text: 'members' } }, y: { stacked: true, display: false } },
          plugins: { legend: { position: 'bottom' } },
        },
      }) satisfies ChartConfiguration<'bar' | 'line'>,
    [revisit],
  );
  const trendChart = useMemo(
    () =>
      ({
        type: 'line',
        data: {
          labels: trend.map((point) => shortDate(point.at)),
          datasets: [
            { label: 'Mean (days)', data: trend.map((point) => point.meanDays), borderColor: PALETTE[0], backgroundColor: PALETTE[0] },
            {
              label: 'Median (days)',
              data: trend.map((point) => point.medianDays),
              borderColor: PALETTE[2],
              backgroundColor: PALETTE[2],
              pointStyle: 'rect',
            },
          ],
        },
        options: {
          scales: { y: { beginAtZero: true, title: { display: true, text: 'days between visits' } } },
          plugins: { legend: { position: 'bottom' } },
        },
      }) satisfies ChartConfiguration<'bar' | 'line'>,
    [trend],
  );
  return (
    <section aria-labelledby="revisit-title">
      <h2 id="revisit-title">Revisit frequency</h2>
      <Figures
        label="Revisit figures"
        items={[
          { id: 'mean-revisit', label: 'Mean revisit interval', value: days(revisit.meanDays) },
          { id: 'median-revisit', label: 'Median revisit interval', value: days(revisit.medianDays) },
          { id: 'members-measured', label: 'Members measured', value: count(revisit.membersMeasured), hint: 'two visit days or more' },
          ...BANDS.map((band) => ({ id: `band-${band.key}`, label: band.label, value: count(revisit.bands[band.key]) })),
        ]}
      />
      <div className="charts">
        <ChartFigure
          title="Members by revisit band"
          summary={`Stacked bar of members per band: ${bandRows.map((row) => `${row.label} ${row.members}`).join(', ')}.`}
          config={bandsChart}
          columns={[
            { header: 'Band', cell: (row) => row.label },
            { header: 'Members', cell: (row) => count(row.members), numeric: true },
          ]}
          rows={bandRows}
          height={220}
        />
        {loadedTrend ? (
          <ChartFigure
            title="Weekly trend (trailing 28 days)"
            summary={`Line chart of the mean and median revisit interval at ${trend.length} week starts.`}
            config={trendChart}
            columns={[
              { header: 'Week of', cell: (point: TrendPoint) => date(point.at) },
              { header: 'Mean', cell: (point) => days(point.meanDays), numeric: true },
              { header: 'Median', cell: (point) => days(point.medianDays), numeric: true },
              { header: 'Members measured', cell: (point) => count(point.membersMeasured), numeric: true },
            ]}
            rows={trend}
          />
        ) : (
          <Loading what="the weekly trend" />
        )}
      </div>
    </section>
  );
}

const reachColumns = (groupHeader: string) => [
  { header: groupHeader, cell: (row: ReachFiguresFragment) => row.label },
  { header: 'Reach', cell: (row: ReachFiguresFragment) => percent(row.reach), numeric: true },
  { header: 'Items', cell: (row: ReachFiguresFragment) => count(row.items), numeric: true },
  { header: 'Views', cell: (row: ReachFiguresFragment) => count(row.views), numeric: true },
  { header: 'Unique viewers', cell: (row: ReachFiguresFragment) => count(row.uniqueViewers), numeric: true },
  { header: 'Could have seen', cell: (row: ReachFiguresFragment) => count(row.eligibleMembers), numeric: true },
];

function reachChart(rows: ReachFiguresFragment[], color: string) {
  return {
    type: 'bar',
    data: {
      labels: rows.map((row) => row.label),
      datasets: [{ label: 'Reach (%)', data: rows.map((row) => Math.round(row.reach * 1000) / 10), backgroundColor: color }],
    },
    options: {
      indexAxis: 'y',
      scales: { x: { min: 0, title: { display: true, text: '% of members who could have seen it' } } },
      plugins: { legend: { display: false } },
    },
  } satisfies ChartConfiguration<'bar'>;
}

function ReachSection({ byType, byTheme }: { byType: ReachFiguresFragment[]; byTheme: ReachFiguresFragment[] }) {
  const typeChart = useMemo(() => reachChart(byType, PALETTE[0]), [byType]);
  const themeChart = useMemo(() => reachChart(byTheme, PALETTE[1]), [byTheme]);
  const describe = (rows: ReachFiguresFragment[]) => rows.map((row) => `${row.label} ${percent(row.reach)}`).join(', ');
  return (
    <section aria-labelledby="reach-title">
      <h2 id="reach-title">Content reach</h2>
      <p className="lead">
        Of the items published in the range, the share each reached among the members who visited after it was published.{' '}
        <Link href="/content">Reach per item</Link>
      </p>
      <div className="charts">
        <ChartFigure
          title="Reach by content type"
          summary={`Bar chart of reach by type: ${describe(byType)}.`}
          config={typeChart}
          columns={reachColumns('Type')}
          rows={byType}
          height={Math.max(140, byType.length * 36)}
        />
        <ChartFigure
          title="Reach by theme"
          summary={`Bar chart of reach by theme: ${describe(byTheme)}.`}
          config={themeChart}
          columns={reachColumns('Theme')}
          rows={byTheme}
          height={Math.max(140, byTheme.length * 30)}
        />
      </div>
    </section>
  );
}
