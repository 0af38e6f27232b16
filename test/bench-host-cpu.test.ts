import { cpuTimes, stealNote, stolenShare } from './bench/host-cpu';

// /proc/stat as Linux 6 writes it: user nice system idle iowait irq softirq steal guest guest_nice.
const stat = (user: number, idle: number, steal: number) =>
  `cpu  ${user} 10 200 ${idle} 30 0 40 ${steal} 500 0\ncpu0 1 2 3 4 5 6 7 8 9 0\nintr 1 2 3\n`;

describe("the bench's reading of the CPU time a host takes for other guests", () => {
  it('reads steal and every tick but the guests’ (already counted in user) from the cpu line', () => {
    expect(cpuTimes(stat(1000, 5000, 70))).toEqual({ steal: 70, total: 1000 + 10 + 200 + 5000 + 30 + 0 + 40 + 70 });
  });

  it('gives the share stolen between two readings', () => {
    // 400 ticks passed, 100 of them stolen.
    expect(stolenShare(cpuTimes(stat(1000, 5000, 70)), cpuTimes(stat(1200, 5100, 170)))).toBeCloseTo(100 / 400, 10);
  });

  it('gives nothing where there is no /proc/stat, or no time passed', () => {
    expect(cpuTimes(null)).toBeNull();
    expect(cpuTimes('intr 1 2 3\n')).toBeNull();
    expect(stolenShare(null, cpuTimes(stat(1, 1, 1)))).toBeNull();
    expect(stolenShare(cpuTimes(stat(1, 1, 1)), cpuTimes(stat(1, 1, 1)))).toBeNull();
  });

  it('reads this machine’s /proc/stat when it has one', () => {
    const times = cpuTimes();
    if (process.platform !== 'linux') return expect(times).toBeNull();
    expect(times!.total).toBeGreaterThan(0);
    expect(times!.steal).toBeGreaterThanOrEqual(0);
    expect(times!.steal).toBeLessThanOrEqual(times!.total);
  });

  it('notes the run’s share and each workload’s, leaving out workloads it could not read', () => {
    expect(
      stealNote(
        [
          { name: 'P1 feed', share: 0.031 },
          { name: 'P2 fan-out', share: null },
          { name: 'P3 view ingest', share: 0.2 },
        ],
        0.12,
      ),
    ).toBe(
      "CPU time the host took for other guests while the machine's CPUs had work (/proc/stat steal): 12% of the run; " +
        'P1 feed 3.1%, P3 view ingest 20%.',
    );
    expect(stealNote([{ name: 'P1 feed', share: null }], null)).toBeNull();
  });
});
