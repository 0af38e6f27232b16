/** What `whileHolding` returns when the claim was no longer ours: `work` did not run. */
export const LOST = Symbol('lost');

export interface Hold {
  /** Renews the claim if it is still ours and unexpired; false otherwise. */
  renew: () => Promise<boolean>;
  /** The claim's lease: it is renewed every third of it (at most every 5 s)... */
  leaseMs: number;
  /** ...or this often (tests). */
  renewEveryMs?: number;
  /** A renewal that failed while `work` ran; the work goes on. */
  onRenewalError: (error: unknown) => void;
}

/**
 * Runs `work` (an SMTP exchange, say) under a claim: renews it first (LOST, and `work` does not run,
 * when it is no longer ours: a worker slower than its lease may have been overtaken by one that
 * reclaimed it), then keeps renewing it while `work` lasts, one renewal at a time, so a relay slower
 * than the lease does not let another worker reclaim it and do the work too. A worker that dies
 * stops renewing, and its claim runs out. Resolves after the last renewal has settled: the caller
 * records its outcome after it, never under it.
 */
export async function whileHolding<T>(hold: Hold, work: () => Promise<T>): Promise<T | typeof LOST> {
  if (!(await hold.renew())) return LOST;
  let renewing: Promise<unknown> | null = null;
  const timer = setInterval(
    () => {
      renewing ??= hold
        .renew()
        .catch(hold.onRenewalError)
        .finally(() => (renewing = null));
    },
    hold.renewEveryMs ?? Math.min(hold.leaseMs / 3, 5_000),
  );
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await renewing;
  }
}
