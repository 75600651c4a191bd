/**
 * The statistics behind experiment results, in plain numeric code (no dependencies, no IO):
 *  - `logGamma` (Lanczos, g = 7, 9 terms; ~15 significant digits for x > 0);
 *  - `betaCdf` = the regularized incomplete beta I_x(a, b) (continued fraction, Lentz's method)
 *    and `betaQuantile` (its inverse by bisection to 1e-12): the 95% credible interval of an
 *    acceptance rate is the 2.5% and 97.5% quantiles of its Beta posterior;
 *  - `gammaP` / `gammaQ`, the regularized incomplete gamma functions (series below a + 1,
 *    continued fraction above), giving the chi-square CDF and its upper tail (the p-value);
 *  - `probAbove`: the probability that a draw of one Beta beats draws of all the others,
 *    ∫ f_i(x) Π_j I_x(a_j, b_j) dx by composite Simpson's rule over where f_i has its mass.
 *    Deterministic (no Monte Carlo noise), accurate to about 1e-6 (tested against the exact
 *    sum for integer parameters), so a chance that crosses a threshold does not flicker.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

export const logBeta = (a: number, b: number): number => logGamma(a) + logGamma(b) - logGamma(a + b);

const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITER = 100_000;

/** Continued fraction for I_x(a, b) (Numerical Recipes' betacf), by the modified Lentz method. */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** I_x(a, b): P(X ≤ x) for X ~ Beta(a, b), a, b > 0. */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b));
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(x, a, b)) / a
    : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** The x with I_x(a, b) = p. */
export function betaQuantile(p: number, a: number, b: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 100 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (betaCdf(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export const betaMean = (a: number, b: number): number => a / (a + b);
export const betaSd = (a: number, b: number): number => Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));

/** Regularized lower incomplete gamma P(a, x). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < MAX_ITER; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return Math.min(1, sum * Math.exp(-x + a * Math.log(x) - logGamma(a)));
  }
  return 1 - gammaQ(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate in the far tail. */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < a + 1) return 1 - gammaP(a, x);
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.max(0, Math.exp(-x + a * Math.log(x) - logGamma(a)) * h);
}

/** P(χ²_k ≤ x). */
export const chiSquareCdf = (x: number, k: number): number => gammaP(k / 2, x / 2);
/** P(χ²_k > x): the p-value of a chi-square statistic. */
export const chiSquarePValue = (x: number, k: number): number => gammaQ(k / 2, x / 2);

export interface BetaParams {
  a: number;
  b: number;
}

const SIMPSON_INTERVALS = 2000;

/**
 * P(X_i > X_j for every j in `others`), X ~ Beta independently. Integrates f_i over its mean
 * ± 12 standard deviations (clipped to [0, 1]), where all but ~1e-30 of its mass lies.
 */
export function probAbove(target: BetaParams, others: readonly BetaParams[]): number {
  const { a, b } = target;
  const mean = betaMean(a, b);
  const sd = betaSd(a, b);
  const lo = Math.max(0, mean - 12 * sd);
  const hi = Math.min(1, mean + 12 * sd);
  const n = SIMPSON_INTERVALS;
  const step = (hi - lo) / n;
  const lb = logBeta(a, b);
  const f = (x: number): number => {
    if (x <= 0 || x >= 1) return 0;
    let v = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lb);
    for (const o of others) {
      if (v === 0) break;
      v *= betaCdf(x, o.a, o.b);
    }
    return v;
  };
  // At the ends the others' CDFs are 0 (x = 0) and 1 (x = 1); f_i is finite there only for
  // Beta(1, b) at 0 and Beta(a, 1) at 1, where it is 1 / B(a, b).
  const edge = (x: number): number => {
    if (x > 0 && x < 1) return f(x);
    if (x === 0) return a === 1 && others.length === 0 ? Math.exp(-lb) : 0;
    return b === 1 ? Math.exp(-lb) : 0;
  };
  let sum = edge(lo) + edge(hi);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(lo + i * step);
  return Math.min(1, Math.max(0, (sum * step) / 3));
}
