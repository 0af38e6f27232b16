import { readFileSync } from 'node:fs';

/** The machine's CPU time in clock ticks, all CPUs together (the `cpu` line of /proc/stat). */
export interface CpuTimes {
  /** Time the hypervisor ran other guests while this machine's CPUs had work (steal). */
  steal: number;
  /** User, nice, system, idle, iowait, irq, softirq and steal: every tick of every CPU. */
  total: number;
}

/**
 * The `cpu` line of /proc/stat (Linux), or null where there is none: guest and guest_nice are left
 * out, as the kernel already counts them in user and nice.
 */
export function cpuTimes(stat: string | null = readStat()): CpuTimes | null {
  const line = stat?.split('\n').find((text) => text.startsWith('cpu '));
  if (!line) return null;
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (ticks.length < 8 || ticks.some((tick) => !Number.isFinite(tick))) return null;
  return { steal: ticks[7], total: ticks.reduce((sum, tick) => sum + tick, 0) };
}

function readStat(): string | null {
  try {
    return readFileSync('/proc/stat', 'utf8');
  } catch {
    return null;
  }
}

/** The share of the machine's CPU time the host took for other guests between two readings (0 to 1), or null. */
export function stolenShare(before: CpuTimes | null, after: CpuTimes | null): number | null {
  if (!before || !after || after.total <= before.total) return null;
  return (after.steal - before.steal) / (after.total - before.total);
}

/**
 * Each workload's stolen share, and the run's, as one note for RESULTS.md: on a shared virtual
 * machine a neighbour's load takes CPU from both sides of a comparison, and not always evenly (a
 * write path waiting on PostgreSQL's wake-ups loses more than COPY: P3's batch path read 0.13x COPY
 * alone with a fifth of the CPU stolen, where earlier runs read 0.25x to 0.35x). Null when nothing
 * was read.
 */
export function stealNote(workloads: { name: string; share: number | null }[], run: number | null): string | null {
  const measured = workloads.filter((workload) => workload.share !== null);
  if (run === null || measured.length === 0) return null;
  const percent = (share: number) => `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
  return (
    `CPU time the host took for other guests while the machine's CPUs had work (/proc/stat steal): ${percent(run)} of the run; ` +
    `${measured.map(({ name, share }) => `${name} ${percent(share!)}`).join(', ')}.`
  );
}
