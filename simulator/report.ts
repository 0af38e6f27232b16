import type { SimulationResult } from './simulate';
import type { WorldResult } from './world';

const fixed = (value: number | null | undefined, digits = 3) => (value == null ? '—' : value.toFixed(digits));
const pct = (value: number | null | undefined) => (value == null ? '—' : `${(value * 100).toFixed(1)} %`);

/** The markdown report of one simulation and its chart (an SVG drawn here: two lines and a marker need no chart library). */
export function renderReport(result: SimulationResult, svgName: string): { markdown: string; svg: string } {
  const { options, withEffect, withoutEffect, summary } = result;
  const stats = withEffect.stats;
  const ci = stats.liftConfidenceInterval;
  const rci = stats.relativeLiftConfidenceInterval;
  const mde = withEffect.minimumDetectableLift;
  const lines = [
    `# Simulation: ${options.members} members, ${options.weeks} weeks, effect ${options.effect}, seed ${options.seed}`,
    '',
    '## Parameters',
    '',
    '| parameter | value |',
    '| --- | --- |',
    `| members | ${options.members} |`,
    `| weeks | ${options.weeks} (rule enabled after ${options.warmupWeeks}) |`,
    `| effect | ×${(1 + options.effect).toFixed(2)} on visit probability for 7 days after a digest |`,
    `| holdout | ${options.holdout} % |`,
    `| horizon H | ${options.horizonDays} days |`,
    `| seed | ${options.seed} |`,
    `| rule | INACTIVITY(7), all members |`,
    `| run time | ${result.seconds.toFixed(0)} s (${withoutEffect ? 'two worlds' : 'one world: with effect 0 both worlds are the same'}) |`,
    '',
    '## Lift: truth against Hearth',
    '',
    '| | visit days per selection in H days |',
    '| --- | --- |',
    `| true lift (same members, same streams, with minus without the effect) | ${fixed(result.trueLift)} |`,
    `| Hearth's estimate (engagementRuleStats) | ${fixed(stats.lift)} |`,
    `| 95 % interval | ${fixed(ci?.low)} to ${fixed(ci?.high)} |`,
    `| covered | ${summary.covered ? 'yes' : 'no'} |`,
    `| relative lift | ${pct(stats.relativeLift)} (${pct(rci?.low)} to ${pct(rci?.high)}) |`,
    `| treated: selections / members / mean visit days | ${stats.treatedSelections} / ${stats.treatedMembers} / ${fixed(stats.treatedMeanVisitDays)} |`,
    `| held out: selections / members / mean visit days | ${stats.heldOutSelections} / ${stats.heldOutMembers} / ${fixed(stats.heldOutMeanVisitDays)} |`,
    `| selections younger than H at the end (not measured) | ${stats.pendingSelections} |`,
    `| secondary: digests sent, clicked, attributed visits | ${stats.sent}, ${stats.clicked}, ${stats.attributedVisits} |`,
    '',
    '## Power before enabling',
    '',
    `previewEngagementRule said: "${mde.sentence}"`,
    '',
    `First evaluation only: true lift ${fixed(result.trueFirstRoundLift)}, estimate ${fixed(withEffect.firstRound.lift)} ` +
      `(${fixed(withEffect.firstRound.liftConfidenceInterval?.low)} to ${fixed(withEffect.firstRound.liftConfidenceInterval?.high)}).`,
    '',
    '## Revisit frequency and reach by week',
    '',
    'Members the rule ever selected, by arm: mean visit days in the week, and reach (share of that week’s items they saw).',
    '',
    '| week | treated visit days | held-out visit days | treated reach | held-out reach |',
    '| --- | --- | --- | --- | --- |',
    ...withEffect.weekly.map(
      (week) =>
        `| ${week.week}${week.week <= options.warmupWeeks ? ' (before the rule)' : ''} | ${fixed(week.treatedVisitDays, 2)} | ${fixed(week.heldOutVisitDays, 2)} | ${pct(week.reachTreated)} | ${pct(week.reachHeldOut)} |`,
    ),
    '',
    `![Visit days per week, treated and held out](${svgName})`,
    '',
    `Load: ${withEffect.requests} API requests and ${withEffect.visits} visits in the world with the effect; ${withEffect.digestsSent} digests to the outbox.`,
    '',
  ];
  return { markdown: lines.join('\n'), svg: weeklyChart(withEffect.weekly, options.warmupWeeks) };
}

function weeklyChart(weekly: WorldResult['weekly'], warmupWeeks: number): string {
  const width = 640;
  const height = 320;
  const left = 56;
  const right = 16;
  const top = 32;
  const bottom = 48;
  const max = Math.max(0.1, ...weekly.flatMap((week) => [week.treatedVisitDays, week.heldOutVisitDays])) * 1.1;
  const x = (week: number) => left + ((week - 1) / Math.max(1, weekly.length - 1)) * (width - left - right);
  const y = (value: number) => top + (1 - value / max) * (height - top - bottom);
  const path = (key: 'treatedVisitDays' | 'heldOutVisitDays') =>
    weekly.map((week, i) => `${i ? 'L' : 'M'}${x(week.week).toFixed(1)},${y(week[key]).toFixed(1)}`).join(' ');
  const ticks = Array.from({ length: 5 }, (_, i) => (max * i) / 4);
  const ruleX = x(warmupWeeks + 0.5);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">
  <title>Mean visit days per week: treated against held out</title>
  <rect width="${width}" height="${height}" fill="#fff"/>
  <text x="${left}" y="18" font-size="14">Mean visit days per member and week</text>
  ${ticks.map((tick) => `<line x1="${left}" x2="${width - right}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="#e5e5e5"/><text x="${left - 6}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end">${tick.toFixed(2)}</text>`).join('\n  ')}
  ${weekly.map((week) => `<text x="${x(week.week).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle">${week.week}</text>`).join('\n  ')}
  <text x="${(left + width - right) / 2}" y="${height - 12}" text-anchor="middle">week</text>
  <line x1="${ruleX.toFixed(1)}" x2="${ruleX.toFixed(1)}" y1="${top}" y2="${height - bottom}" stroke="#999" stroke-dasharray="4 3"/>
  <text x="${(ruleX + 4).toFixed(1)}" y="${top + 12}" fill="#666">rule enabled</text>
  <path d="${path('treatedVisitDays')}" fill="none" stroke="#c2410c" stroke-width="2.5"/>
  <path d="${path('heldOutVisitDays')}" fill="none" stroke="#1d4ed8" stroke-width="2.5" stroke-dasharray="6 4"/>
  <rect x="${width - right - 150}" y="${top}" width="12" height="3" fill="#c2410c"/><text x="${width - right - 132}" y="${top + 5}">treated (emailed)</text>
  <rect x="${width - right - 150}" y="${top + 16}" width="12" height="3" fill="#1d4ed8"/><text x="${width - right - 132}" y="${top + 21}">held out</text>
</svg>
`;
}
