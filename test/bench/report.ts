import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchRow {
  workload: string;
  measure: string;
  hearth: number;
  baseline: number;
  /** hearth / baseline for throughput-like measures, baseline / hearth for latency-like ones: higher is better. */
  ratio: number;
  target: string;
  ok: boolean;
}

const FILE = path.resolve(__dirname, '../../../test/bench/RESULTS.md');

/** The middle value (the upper one of an even count). */
export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
}

export function printRows(rows: BenchRow[]): void {
  console.table(rows.map((r) => ({ ...r, hearth: round(r.hearth), baseline: round(r.baseline), ratio: round(r.ratio) })));
}

const round = (value: number) => Math.round(value * 100) / 100;

/** Appends this run to test/bench/RESULTS.md (created with a header the first time). */
export function appendResults(rows: BenchRow[], notes: string[]): void {
  if (!existsSync(FILE)) {
    writeFileSync(FILE, '# Benchmark results\n\nAppended by `npm run bench`; each run measures Hearth and its raw baseline in the same run.\n');
  }
  const lines = [
    '',
    `## ${new Date().toISOString()} — ${machine()}`,
    '',
    '| workload | measure | Hearth | baseline | ratio | target | met |',
    '| --- | --- | ---: | ---: | ---: | --- | --- |',
    ...rows.map((r) => `| ${r.workload} | ${r.measure} | ${round(r.hearth)} | ${round(r.baseline)} | ${round(r.ratio)} | ${r.target} | ${r.ok ? 'yes' : '**no**'} |`),
    ...notes.map((note) => `\n${note}`),
    '',
  ];
  appendFileSync(FILE, lines.join('\n'));
}
