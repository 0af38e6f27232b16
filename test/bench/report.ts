import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchRow {
  workload: string;
  measure: string;
  hearth: number;
  baseline: number;
  /** What the baseline is, when it is not the workload's raw one ('PostGraphile', 'me', 'COPY'…). */
  baselineName?: string;
  /** Always "higher is better": Hearth ÷ baseline for throughput, baseline ÷ Hearth for latency and durations. */
  ratio: number;
  /** The target in words. */
  target: string;
  /** The ratio the target asks for at least; undefined for a row that is only reported. */
  targetRatio?: number;
  /** Each side's figure in each measured window, in the order measured: the row's figures are their medians. */
  windows?: { hearth: number[]; baseline: number[] };
}

const ROOT = path.resolve(__dirname, '../../..');
const FILE = path.join(ROOT, 'test/bench/RESULTS.md');
export const CHART_FILE = path.join(ROOT, 'test/bench/results.svg');

export const HEADER = `# Benchmark results

Appended by \`npm run bench\` (\`npm run bench -- P1\` runs the workloads whose name starts with P1).
Each run measures Hearth and its baselines in the same run, on the same machine, each in a process
of its own and the load generator in another; the sides warm up the same way and then alternate
over at least three measured windows each, whose median is reported. Every response is checked on
both sides (HTTP status, GraphQL \`errors\`): a run with errors fails. 200 members' tokens are
rotated by the load generator. Both sides run with \`NODE_ENV=production\` and Hearth with its
shipped \`LOG_LEVEL=info\`.

**Ratio: higher is always better.** Hearth ÷ baseline for throughput (requests/s, rows/s,
digests/s); baseline ÷ Hearth for latency and durations (ms, s); for an absolute target (≤ 1 s,
< 40 s) the target ÷ Hearth's figure, so 1 is the target exactly. "met" is \`—\` for a row that is
only reported. Each run names the commit measured (\`git rev-parse HEAD\` of the measured tree) and
says when the tree had changes not committed. A whole run (every workload) also draws its ratios
against their targets in [results.svg](results.svg) (the committed chart is the run its title names).
Since 8 December each run also notes its host ("The host: …"): the share of CPU time the
hypervisor took for other guests (\`/proc/stat\` steal) during each workload, and a fixed CPU task's
time right before each (higher: a slower host). On a shared virtual machine a busy host slows a
run, and not always both sides alike: judge targets on runs whose host readings are low and steady.
`;

/** The middle value (the upper one of an even count). */
export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const load = os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(', ');
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}, load average at the end ${load}`;
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

/** The commit measured, whether main contains it, and whether the tree differed from it. */
export function measuredCommit(): string {
  try {
    const head = git('rev-parse', 'HEAD');
    const changed = git('status', '--porcelain', '--untracked-files=no')
      .split('\n')
      .filter((line) => line && !/test\/bench\/(RESULTS\.md|results\.svg)$/.test(line));
    let inMain = 'unknown';
    try {
      git('merge-base', '--is-ancestor', head, 'main');
      inMain = 'in main';
    } catch {
      inMain = 'not (yet) in main';
    }
    return `commit ${head} (${inMain})${changed.length ? `, tree dirty: ${changed.length} file(s) changed` : ', tree clean'}`;
  } catch {
    return 'commit unknown (not a git checkout)';
  }
}

const met = (row: BenchRow) => (row.targetRatio === undefined ? '—' : row.ratio >= row.targetRatio ? 'yes' : '**no**');
const round = (value: number) => (Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 100) / 100);

/** The ratio to two decimals, or to three (cut, not rounded) when two would print a ratio under its target as the target. */
export function ratioText(row: Pick<BenchRow, 'ratio' | 'targetRatio'>): string {
  const shown = round(row.ratio);
  if (row.targetRatio !== undefined && row.ratio < row.targetRatio && shown >= row.targetRatio)
    return (Math.floor(row.ratio * 1000) / 1000).toFixed(3);
  return String(shown);
}

/** One line per row measured in windows: each side's figures in the order measured. */
export function windowLines(rows: BenchRow[]): string[] {
  return rows
    .filter((row) => row.windows)
    .map(
      ({ workload, measure, baselineName, windows }) =>
        `- ${workload}, ${measure}: Hearth ${windows!.hearth.map(round).join(', ')}; ${baselineName ?? 'baseline'} ${windows!.baseline.map(round).join(', ')}`,
    );
}

export function printRows(rows: BenchRow[]): void {
  console.table(
    rows.map((r) => ({
      workload: r.workload,
      measure: r.measure,
      Hearth: round(r.hearth),
      baseline: `${round(r.baseline)}${r.baselineName ? ` (${r.baselineName})` : ''}`,
      ratio: Number(ratioText(r)),
      target: r.target,
      met: met(r).replace(/\*/g, ''),
    })),
  );
}

/** Appends this run to test/bench/RESULTS.md (the header written first when missing). */
export function appendResults(rows: BenchRow[], notes: string[]): void {
  const previous = existsSync(FILE) ? readFileSync(FILE, 'utf8') : '';
  const windows = windowLines(rows);
  const body = previous.startsWith(HEADER) ? previous.slice(HEADER.length) : previous.replace(/^# Benchmark results\n/, '');
  const lines = [
    '',
    `## ${new Date().toISOString()}: ${measuredCommit()}`,
    '',
    machine(),
    '',
    '| workload | measure | Hearth | baseline | ratio | target | met |',
    '| --- | --- | ---: | ---: | ---: | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.workload} | ${r.measure} | ${round(r.hearth)} | ${round(r.baseline)}${r.baselineName ? ` (${r.baselineName})` : ''} | ${ratioText(r)} | ${r.target} | ${met(r)} |`,
    ),
    ...notes.map((note) => `\n${note}`),
    ...(windows.length
      ? ['', "Each side's figure in each measured window, in the order measured (a row gives their medians):", '', ...windows]
      : []),
    '',
  ];
  writeFileSync(FILE, HEADER + body + lines.join('\n'));
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A bar per row with a target: its ratio, and a mark where the target is (log scale: 0.1× … 10×). */
export function writeChart(rows: BenchRow[], title: string): void {
  const targeted = rows.filter((row) => row.targetRatio !== undefined);
  const [labelWidth, plotWidth, rowHeight, top] = [430, 420, 26, 48];
  const x = (ratio: number) => labelWidth + ((Math.log10(Math.min(10, Math.max(0.1, ratio))) + 1) / 2) * plotWidth;
  const height = top + targeted.length * rowHeight + 40;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 90}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`,
    `<text x="10" y="38" fill="#555">ratio, higher is better (log scale); black mark: target; green: met, red: not met</text>`,
    ...[0.1, 0.3, 1, 3, 10].map(
      (tick) =>
        `<line x1="${x(tick)}" y1="${top - 4}" x2="${x(tick)}" y2="${height - 30}" stroke="#ddd"/><text x="${x(tick)}" y="${height - 14}" text-anchor="middle" fill="#555">${tick}×</text>`,
    ),
    ...targeted.flatMap((row, i) => {
      const y = top + i * rowHeight;
      const ok = row.ratio >= row.targetRatio!;
      return [
        `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escape(`${row.workload}: ${row.measure}`)}</text>`,
        `<rect x="${x(0.1)}" y="${y + 4}" width="${x(row.ratio) - x(0.1)}" height="${rowHeight - 10}" fill="${ok ? '#3a9d5d' : '#d0493f'}"/>`,
        `<line x1="${x(row.targetRatio!)}" y1="${y + 1}" x2="${x(row.targetRatio!)}" y2="${y + rowHeight - 3}" stroke="black" stroke-width="3"/>`,
        `<text x="${x(Math.max(row.ratio, row.targetRatio!)) + 6}" y="${y + 15}">${ratioText(row)}× (target ${round(row.targetRatio!)}×)</text>`,
      ];
    }),
    '</svg>',
  ];
  writeFileSync(CHART_FILE, parts.join('\n') + '\n');
}
