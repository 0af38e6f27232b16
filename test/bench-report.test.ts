import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HEADER, ratioText, windowLines, type BenchRow } from './bench/report';

const row = (ratio: number, targetRatio?: number): BenchRow => ({
  workload: 'P6 joinLiveSession',
  measure: 'requests/s',
  hearth: 4850,
  baseline: 5390,
  baselineName: 'constant token',
  ratio,
  target: targetRatio === undefined ? 'reported' : `≥ ${targetRatio}×`,
  targetRatio,
});

describe("the bench report's figures", () => {
  it('never prints a ratio under its target as the target itself', () => {
    expect(ratioText(row(4850 / 5390, 0.9))).toBe('0.899'); // 0.8998: "0.9" would read as met
    expect(ratioText(row(0.8949, 0.9))).toBe('0.89');
    expect(ratioText(row(0.9049, 0.9))).toBe('0.9');
    expect(ratioText(row(0.8998))).toBe('0.9'); // a reported row has no target to be mistaken for
    expect(ratioText(row(0.29996, 0.3))).toBe('0.299');
  });

  it("lists each side's windows in the order measured, for the rows measured in windows", () => {
    const measured = { ...row(0.9, 0.9), windows: { hearth: [4850.4, 4702, 4990.26], baseline: [5390, 5301.55, 5400] } };
    expect(windowLines([row(1, 0.9), measured])).toEqual([
      '- P6 joinLiveSession, requests/s: Hearth 4850, 4702, 4990; constant token 5390, 5302, 5400',
    ]);
  });

  it('RESULTS.md begins with the header a run writes, so a run appends below it rather than writing it again', () => {
    expect(readFileSync(path.join(__dirname, 'bench/RESULTS.md'), 'utf8').startsWith(HEADER)).toBe(true);
  });
});
