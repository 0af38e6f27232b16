import { cpuTimes, hostNote, probeMs, stolenShare } from './bench/host-cpu';

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

  it('times its work in milliseconds', () => {
    const ms = probeMs();
    expect(ms).toBeGreaterThan(0);
    // A megabyte hashed and 8 MB read: far under a second on any machine the bench runs on.
    expect(ms).toBeLessThan(1000);
  });

  it('notes the run’s steal and each workload’s steal and probe, leaving out steal it could not read', () => {
    expect(
      hostNote(
        [
          { name: 'P1 feed', stolen: 0.031, probeMs: 4.04 },
          { name: 'P2 fan-out', stolen: null, probeMs: 4.5 },
          { name: 'P3 view ingest', stolen: 0.2, probeMs: 6.16 },
        ],
        0.12,
      ),
    ).toBe(
      "The host: the CPU time it took for other guests while the machine's CPUs had work (/proc/stat steal), 12% of the run, " +
        "and a fixed CPU task's time right before each workload (higher: a slower host, steal or not): " +
        'P1 feed 3.1%, 4.0 ms; P2 fan-out 4.5 ms; P3 view ingest 20%, 6.2 ms.',
    );
    expect(hostNote([{ name: 'P1 feed', stolen: null, probeMs: 4 }], null)).toBe(
      "The host: a fixed CPU task's time right before each workload (higher: a slower host): P1 feed 4.0 ms.",
    );
    expect(hostNote([], 0.1)).toBeNull();
  });
});
