/**
 * The statistics of a rule's lift (README, "Measuring a rule's lift"). Pure functions: the SQL in
 * engagement-stats.service.ts hands over one row per member and arm, everything else is here.
 *
 * Dependence: a member's holdout draw is fixed for the rule's life (eligibility.ts), so a member
 * selected in several periods is in the same arm every time, and their outcomes are correlated
 * (a habit; windows that overlap when a member is selected again before H days are over).
 * Outcomes are therefore independent between members, not between selections: each arm's mean is
 * a mean per selection whose variance is computed over members (the cluster-robust "sandwich"
 * variance of a ratio estimator, with the small-sample factor G/(G-1)). With one selection per
 * member it is exactly Welch's s²/n, and the interval uses Welch–Satterthwaite degrees of freedom
 * with G-1 per arm.
 */

/** PRODUCT.md: the default horizon H of the lift, in days. */
export const DEFAULT_HORIZON_DAYS = 14;
/** The longest horizon asked of engagementRuleStats and previewEngagementRule. */
export const MAX_HORIZON_DAYS = 90;

/** One member's selections in one arm: how many, and the sum of their outcomes. */
export interface MemberOutcomes {
  selections: number;
  outcomeSum: number;
}

export interface ArmEstimate {
  /** Members (clusters). */
  members: number;
  selections: number;
  /** Mean outcome per selection (null without selections). */
  mean: number | null;
  /** Cluster-robust variance of `mean` (null with fewer than 2 members). */
  variance: number | null;
}

export interface Interval {
  low: number;
  high: number;
}

export interface LiftEstimate {
  lift: number | null;
  interval: Interval | null;
  relativeLift: number | null;
  relativeInterval: Interval | null;
  degreesOfFreedom: number | null;
}

export const Z_975 = 1.959963984540054;
export const Z_80 = 0.8416212335729143;

export function estimateArm(members: readonly MemberOutcomes[]): ArmEstimate {
  const selections = members.reduce((sum, member) => sum + member.selections, 0);
  if (selections === 0) return { members: members.length, selections, mean: null, variance: null };
  const mean = members.reduce((sum, member) => sum + member.outcomeSum, 0) / selections;
  const groups = members.length;
  if (groups < 2) return { members: groups, selections, mean, variance: null };
  const residuals = members.reduce((sum, member) => sum + (member.outcomeSum - mean * member.selections) ** 2, 0);
  return { members: groups, selections, mean, variance: (groups / (groups - 1)) * (residuals / selections ** 2) };
}

/**
 * Treated minus held out, with a 95 % interval (Welch–Satterthwaite t), and relative to the held-out
 * mean; the relative interval is taken on the log of the ratio of means (delta method), where a
 * ratio is closer to normal, so it stays above -100 %.
 */
export function estimateLift(treated: ArmEstimate, heldOut: ArmEstimate): LiftEstimate {
  const none: LiftEstimate = { lift: null, interval: null, relativeLift: null, relativeInterval: null, degreesOfFreedom: null };
  if (treated.mean === null || heldOut.mean === null) return none;
  const lift = treated.mean - heldOut.mean;
  const relativeLift = heldOut.mean > 0 ? lift / heldOut.mean : null;
  if (treated.variance === null || heldOut.variance === null) return { ...none, lift, relativeLift };
  const variance = treated.variance + heldOut.variance;
  const df =
    variance === 0
      ? Infinity
      : variance ** 2 / (treated.variance ** 2 / (treated.members - 1) + heldOut.variance ** 2 / (heldOut.members - 1));
  const t = studentTQuantile(0.975, df);
  const margin = t * Math.sqrt(variance);
  let relativeInterval: Interval | null = null;
  if (treated.mean > 0 && heldOut.mean > 0) {
    const logRatio = Math.log(treated.mean / heldOut.mean);
    const logMargin = t * Math.sqrt(treated.variance / treated.mean ** 2 + heldOut.variance / heldOut.mean ** 2);
    relativeInterval = { low: Math.exp(logRatio - logMargin) - 1, high: Math.exp(logRatio + logMargin) - 1 };
  }
  return { lift, interval: { low: lift - margin, high: lift + margin }, relativeLift, relativeInterval, degreesOfFreedom: df };
}

/**
 * The smallest true lift a two-sided 5 % test detects with 80 % power, comparing `treated` with
 * `heldOut` members whose outcomes have standard deviation `sd` (normal approximation).
 */
export function minimumDetectableLift(sd: number, treated: number, heldOut: number): number | null {
  if (treated < 1 || heldOut < 1) return null;
  return (Z_975 + Z_80) * sd * Math.sqrt(1 / treated + 1 / heldOut);
}

/** The p-quantile of Student's t with `df` degrees of freedom (df may be fractional or Infinity). */
export function studentTQuantile(p: number, df: number): number {
  if (!Number.isFinite(df) || df > 1e7) return normalQuantile(p);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let low = 0;
  let high = 1;
  while (studentTCdf(high, df) < p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-12 * high; i++) {
    const mid = (low + high) / 2;
    if (studentTCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Acklam's rational approximation of the normal quantile (relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lowTail = 0.02425;
  if (p < lowTail || p > 1 - lowTail) {
    const q = Math.sqrt(-2 * Math.log(p < lowTail ? p : 1 - p));
    const x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    return p < lowTail ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

function logGamma(x: number): number {
  const g = [76.18009172947146, -86.50532032941678, 24.01409824083091, -1.231739572450155, 0.001208650973866179, -0.000005395239384953];
  let y = x;
  const tmp = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let series = 1.000000000190015;
  for (const coefficient of g) series += coefficient / ++y;
  return -tmp + Math.log((2.5066282746310002 * series) / x);
}

/** I_x(a, b) by its continued fraction (modified Lentz). */
function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedIncompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    for (const numerator of [(m * (b - m) * x) / ((a + m2 - 1) * (a + m2)), (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))]) {
      d = 1 + numerator * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + numerator / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return (front * h) / a;
}
