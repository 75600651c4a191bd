/**
 * Uncertainty for the figures a dashboard shows, so a K of 1.4 from 5 inviters is not read
 * like one from 5,000. All intervals are two-sided 95% (z = 1.959964).
 *
 * - `kInterval`: K = accepted ÷ inviters with `accepted` treated as a Poisson count (Byar's
 *   approximation, good to a few percent even for small counts). low ≤ K ≤ high, low ≥ 0.
 * - `rateInterval`: Wilson score interval for a proportion; always within [0, 1] and contains
 *   successes ÷ trials.
 * - `medianFromHistogram`: the exact median of a multiset given as (value, count) bins;
 *   `shownMedian` the same through the privacy rule (hidden over fewer than 5 values).
 * No input gives NaN: an empty denominator gives {0, 0} (or null for the median); counts that
 * are not non-negative integers throw a RangeError.
 */
import { isSuppressed } from './privacy';

export interface Interval {
  low: number;
  high: number;
}

/** The 97.5th percentile of the standard normal: a two-sided 95% interval. */
export const Z_95 = 1.959964;

const isCount = (n: number) => Number.isInteger(n) && n >= 0;

function assertCounts(what: Record<string, number>): void {
  for (const [name, n] of Object.entries(what)) {
    if (!isCount(n)) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
  }
}

/** 95% interval for K = accepted ÷ inviters (Byar's approximation to the Poisson interval). */
export function kInterval(accepted: number, inviters: number): Interval {
  assertCounts({ accepted, inviters });
  if (inviters === 0) return { low: 0, high: 0 };
  const x = accepted;
  const low = x === 0 ? 0 : x * (1 - 1 / (9 * x) - Z_95 / (3 * Math.sqrt(x))) ** 3;
  const y = x + 1;
  const high = y * (1 - 1 / (9 * y) + Z_95 / (3 * Math.sqrt(y))) ** 3;
  return { low: Math.max(0, low) / inviters, high: high / inviters };
}

/** Wilson score 95% interval for successes ÷ trials. Throws when successes > trials. */
export function rateInterval(successes: number, trials: number): Interval {
  assertCounts({ successes, trials });
  if (successes > trials) throw new RangeError(`successes (${successes}) exceed trials (${trials})`);
  if (trials === 0) return { low: 0, high: 0 };
  const n = trials;
  const p = successes / n;
  const z2 = Z_95 * Z_95;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (Z_95 / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // Clamp away rounding at the ends (p = 0 gives low = 0 exactly in real arithmetic).
  return {
    low: successes === 0 ? 0 : Math.max(0, Math.min(p, centre - half)),
    high: successes === n ? 1 : Math.min(1, Math.max(p, centre + half)),
  };
}

/**
 * Median of the multiset where each bin puts `n` copies of `value`. Bins may come in any order
 * and repeat a value. For an even total it is the mean of the two middle values; with no
 * values at all it is null.
 */
export function medianFromHistogram(bins: ReadonlyArray<{ value: number; n: number }>): number | null {
  for (const b of bins) {
    if (!isCount(b.n)) throw new RangeError(`bin count must be a non-negative integer, got ${b.n}`);
    if (!Number.isFinite(b.value)) throw new RangeError(`bin value must be finite, got ${b.value}`);
  }
  const sorted = bins.filter((b) => b.n > 0).sort((a, b) => a.value - b.value);
  const total = sorted.reduce((sum, b) => sum + b.n, 0);
  if (total === 0) return null;
  // 0-based ranks of the middle value(s): equal when total is odd.
  const lowRank = Math.floor((total - 1) / 2);
  const highRank = Math.floor(total / 2);
  let lowValue: number | null = null;
  let seen = 0;
  for (const b of sorted) {
    seen += b.n;
    if (lowValue === null && seen > lowRank) lowValue = b.value;
    if (seen > highRank) {
      const low = lowValue ?? b.value;
      return low === b.value ? low : (low + b.value) / 2;
    }
  }
  throw new Error('unreachable: ranks lie within the total');
}

/**
 * The median as a dashboard may show it: a median of a few values all but shows them (the
 * cycle time of 3 acceptances is one of theirs), so under MIN_PEOPLE values it is hidden
 * (`suppressed`, shown as "fewer than 5"). With no values there is nothing to hide, and no median.
 */
export function shownMedian(bins: ReadonlyArray<{ value: number; n: number }>): { value: number | null; suppressed: boolean } {
  const median = medianFromHistogram(bins);
  const values = bins.reduce((sum, b) => sum + b.n, 0);
  if (values === 0) return { value: null, suppressed: false };
  return isSuppressed(values) ? { value: null, suppressed: true } : { value: median, suppressed: false };
}
