import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { median } from './report';

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

/** The work `probeMs` times: SHA-256 over 1 MB, then strided reads of an 8 MB array (beyond a core's own caches). */
const PROBE_BYTES = Buffer.alloc(1 << 20, 7);
const PROBE_WORDS = new Int32Array(1 << 21).fill(3);

/** Where the work's result goes, so that none of it can be left out as unused. */
let _probeResult = 0;

function probeWork(): number {
  const digest = createHash('sha256').update(PROBE_BYTES).digest();
  let sum = digest[0];
  for (let stride = 0; stride < 16; stride++) for (let i = stride; i < PROBE_WORDS.length; i += 16) sum = (sum + PROBE_WORDS[i]) | 0;
  return sum;
}

/**
 * Milliseconds a fixed piece of CPU and memory work takes now, the median of five: the same work
 * every time, so a host that got slower reads higher, whether it stole the time (steal) or gave
 * less of it (shared caches and memory, clock). One whole run on this machine read steal at 3% in
 * P3 while everything ran slower than an hour before (P5 42 s against 22 s, P6 6,146 joins/s
 * against 10,000): steal alone did not say so.
 */
export function probeMs(): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    _probeResult ^= probeWork();
    times.push(performance.now() - started);
  }
  return median(times);
}

export interface HostReading {
  name: string;
  /** The share of CPU time stolen while the workload ran, or null. */
  stolen: number | null;
  /** `probeMs()` right before the workload. */
  probeMs: number;
}

/**
 * The host during each workload, as one note for RESULTS.md: on a shared virtual machine a
 * neighbour's load slows both sides of a comparison, and not always evenly (a write path waiting
 * on PostgreSQL's wake-ups loses more than COPY: P3's batch path read 0.12x COPY alone with a
 * fifth of the CPU stolen, where earlier runs read 0.25x to 0.35x). Null when nothing was read.
 */
export function hostNote(workloads: HostReading[], runStolen: number | null): string | null {
  if (workloads.length === 0) return null;
  const percent = (share: number) => `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
  const each = workloads.map(
    ({ name, stolen, probeMs }) => `${name} ${stolen === null ? '' : `${percent(stolen)}, `}${probeMs.toFixed(1)} ms`,
  );
  return runStolen === null
    ? `The host: a fixed CPU task's time right before each workload (higher: a slower host): ${each.join('; ')}.`
    : `The host: the CPU time it took for other guests while the machine's CPUs had work (/proc/stat steal), ${percent(runStolen)} of ` +
        `the run, and a fixed CPU task's time right before each workload (higher: a slower host, steal or not): ${each.join('; ')}.`;
}
