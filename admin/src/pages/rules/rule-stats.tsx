import type { ChartConfiguration } from 'chart.js';
import { useMemo } from 'react';
import { useGraphQL } from '../../api/use-graphql';
import { RuleStatsDocument, type RuleStatsQuery } from '../../generated/graphql';
import { rangeDays, toWindow } from '../../lib/dates';
import { count, date, NONE, percent, relative, shortDate, visitDays } from '../../lib/format';
import { useDateRange } from '../../lib/url-state';
import { ChartFigure, PALETTE } from '../../ui/chart-figure';
import { DateRangePicker } from '../../ui/date-range';
import { Figures } from '../../ui/figures';
import { ErrorNote, Loading } from '../../ui/status';

type Window = RuleStatsQuery['engagementRuleStatsTrend'][number];

const interval = (stats: { liftConfidenceInterval: { low: number; high: number } | null }) =>
  stats.liftConfidenceInterval ? `${visitDays(stats.liftConfidenceInterval.low)} to ${visitDays(stats.liftConfidenceInterval.high)}` : NONE;

const relativeInterval = (stats: { relativeLiftConfidenceInterval: { low: number; high: number } | null }) =>
  stats.relativeLiftConfidenceInterval
    ? `${relative(stats.relativeLiftConfidenceInterval.low)} to ${relative(stats.relativeLiftConfidenceInterval.high)}`
    : NONE;

/** Does the rule bring members back? Its lift against the holdout, with the 95 % interval, window by window. */
export function RuleStats({ ruleId }: { ruleId: string }) {
  const [range, setRange] = useDateRange(90);
  const window = useMemo(() => toWindow(range), [range]);
  const bucket = rangeDays(range) > 182 ? 'MONTH' : 'WEEK';
  const { data, error, loading, reload } = useGraphQL(RuleStatsDocument, { ruleId, ...window, bucket });
  const trend = data?.engagementRuleStatsTrend;
  const chart = useMemo(
    () =>
      ({
        type: 'bar',
        data: {
          labels: (trend ?? []).map((w) => shortDate(w.from)),
          datasets: [
            {
              type: 'bar',
              label: '95 % interval (visit days)',
              data: (trend ?? []).map((w) =>
                w.stats.liftConfidenceInterval ? [w.stats.liftConfidenceInterval.low, w.stats.liftConfidenceInterval.high] : null,
              ),
              backgroundColor: `${PALETTE[0]}66`,
              borderColor: PALETTE[0],
              borderWidth: 1,
              barThickness: 6,
            },
            {
              type: 'line',
              label: 'Lift (visit days)',
              data: (trend ?? []).map((w) => w.stats.lift ?? null),
              showLine: false,
              pointRadius: 5,
              backgroundColor: PALETTE[2],
              borderColor: PALETTE[2],
            },
          ],
        },
        options: {
          scales: { x: { stacked: true }, y: { title: { display: true, text: 'lift (visit days per member)' } } },
          plugins: { legend: { position: 'bottom' } },
        },
      }) satisfies ChartConfiguration<'bar' | 'line'>,
    [trend],
  );
  const stats = data?.engagementRuleStats;
  return (
    <section aria-labelledby="stats-title">
      <div className="page-header">
        <h2 id="stats-title">Does it work?</h2>
        <DateRangePicker range={range} onChange={setRange} />
      </div>
      <ErrorNote error={error} retry={reload} />
      {stats && trend ? (
        <>
          <Figures
            label="Rule statistics"
            items={[
              {
                id: 'lift',
                label: `Lift in visit days over ${stats.horizonDays} days`,
                value: visitDays(stats.lift),
                hint: `95 % interval: ${interval(stats)}`,
              },
              {
                id: 'relative-lift',
                label: 'Relative lift',
                value: relative(stats.relativeLift),
                hint: `95 % interval: ${relativeInterval(stats)}`,
              },
              { id: 'sent', label: 'Digests sent', value: count(stats.sent) },
              { id: 'held-out', label: 'Held out', value: count(stats.heldOut) },
              {
                id: 'treated-days',
                label: 'Visit days after a digest',
                value: stats.treatedMeanVisitDays == null ? NONE : stats.treatedMeanVisitDays.toFixed(2),
                hint: `${count(stats.treatedMembers)} members, ${count(stats.pendingSelections)} selections still within ${stats.horizonDays} days`,
              },
              {
                id: 'holdout-days',
                label: 'Visit days when held out',
                value: stats.heldOutMeanVisitDays == null ? NONE : stats.heldOutMeanVisitDays.toFixed(2),
                hint: `${count(stats.heldOutMembers)} members`,
              },
              { id: 'treated-return', label: 'Emailed who returned', value: percent(stats.treatedReturnRate) },
              { id: 'holdout-return', label: 'Held out who returned', value: percent(stats.holdoutReturnRate) },
              {
                id: 'click-rate',
                label: 'Click rate',
                value: percent(stats.clickRate),
                hint: `${count(stats.clicked)} clicked, ${count(stats.attributedVisits)} visits from links`,
              },
            ]}
          />
          {stats.sent + stats.heldOut === 0 ? (
            <p className="empty">No digest of this rule was sent or held out in this range yet: the lift appears once it has run.</p>
          ) : (
            <ChartFigure
              title={`Lift by ${bucket === 'WEEK' ? 'week' : 'month'}, with its 95 % interval`}
              summary={`Points with error bars: the lift of each ${bucket === 'WEEK' ? 'week' : 'month'} and its 95 % interval, ${trend.length} windows.`}
              config={chart}
              columns={[
                { header: 'From', cell: (w: Window) => date(w.from) },
                { header: 'Sent', cell: (w) => count(w.stats.sent), numeric: true },
                { header: 'Held out', cell: (w) => count(w.stats.heldOut), numeric: true },
                { header: 'Lift (visit days)', cell: (w) => visitDays(w.stats.lift), numeric: true },
                { header: '95 % interval', cell: (w) => interval(w.stats) },
              ]}
              rows={trend}
            />
          )}
        </>
      ) : loading ? (
        <Loading what="the statistics" />
      ) : null}
    </section>
  );
}
