/**
 * Experiment results from per-variant counts: what the owner reads and what moves the weights.
 *  - Acceptance rate of a variant: Beta(1 + accepted, 1 + sent − accepted) posterior (uniform
 *    prior); `rate` is its mean, `rateLow`/`rateHigh` its 2.5% and 97.5% quantiles.
 *  - Chance to beat control: P(rate_variant > rate_control) under the two posteriors.
 *  - A variant leads when its chance to beat control is at least the threshold (default 0.95);
 *    with several, the one with the highest chance.
 *  - Sample-ratio mismatch: Pearson's chi-square of the distinct inviters per variant against
 *    the weights (the unit of assignment is the inviter, not the invitation), df = variants − 1;
 *    p < 0.001 is a mismatch. Skipped in Thompson mode (the weights moved over the window) and
 *    below 20 inviters (the chi-square approximation needs expected counts of about 5).
 *  - Thompson weights: each variant's probability of being the best (probability matching,
 *    computed exactly rather than by sampling), mixed with a floor so no variant starves:
 *    w = floor + (1 − k·floor)·P(best), rounded to 1e-4 (the bucketing's resolution).
 *  - Privacy (DESIGN §6): `protectVariants` is what leaves the server. A variant over fewer than
 *    5 inviters shows no figure, and a second one is hidden with it (the channel's total is
 *    public, so one hidden variant would be total − the others); when control is hidden, no
 *    variant shows a chance to beat it or a lift (both would tell control's rate). Decisions
 *    (leader, winner) are taken on the full figures and only name a variant. With a variant hidden
 *    the split check shows no figures either (`protectSrm`).
 */
import { protectBreakdown } from '../analytics/privacy';
import { betaMean, betaQuantile, chiSquarePValue, probAbove, type BetaParams } from './stats';
import { CONTROL, type ExperimentMode, type SrmCheck, type VariantResult } from './config';

export const SRM_P_VALUE = 0.001;
export const SRM_MIN_INVITERS = 20;
export const THOMPSON_FLOOR = 0.05;
export const DEFAULT_THRESHOLD = 0.95;

export interface VariantCounts {
  name: string;
  weight: number;
  sends: number;
  deliveries: number;
  opens: number;
  acceptances: number;
  inviters: number;
  bookings: number;
  bookingCents: number;
}

export const posterior = (c: Pick<VariantCounts, 'sends' | 'acceptances'>): BetaParams => ({
  a: 1 + c.acceptances,
  b: 1 + Math.max(0, c.sends - c.acceptances),
});

/** Pearson chi-square of observed counts against expected shares (weights of any scale). */
export function srmCheck(observed: readonly number[], weights: readonly number[], mode: ExperimentMode = 'fixed'): SrmCheck {
  const total = observed.reduce((s, n) => s + n, 0);
  const weightSum = weights.reduce((s, w) => s + w, 0);
  const none = (skipped: string): SrmCheck => ({ chiSquare: 0, pValue: 1, mismatch: false, skipped });
  if (mode === 'thompson') return none('Thompson sampling moves the weights, so the split is not fixed');
  if (total < SRM_MIN_INVITERS) return none(`fewer than ${SRM_MIN_INVITERS} inviters so far`);
  if (weightSum <= 0) return none('no variant has a weight');
  let chiSquare = 0;
  let df = -1;
  for (let i = 0; i < observed.length; i++) {
    const expected = (total * (weights[i] ?? 0)) / weightSum;
    if (expected > 0) {
      chiSquare += ((observed[i]! - expected) ** 2) / expected;
      df += 1;
    } else if (observed[i]! > 0) {
      // Someone in a variant of weight 0: a mismatch however few.
      return { chiSquare: Number.MAX_VALUE, pValue: 0, mismatch: true, skipped: null };
    }
  }
  if (df < 1) return none('only one variant has a weight');
  const pValue = chiSquarePValue(chiSquare, df);
  return { chiSquare, pValue, mismatch: pValue < SRM_P_VALUE, skipped: null };
}

/** A variant's full figures (server-side: what the decisions use). */
export interface VariantFigures extends VariantCounts {
  rate: number;
  rateLow: number;
  rateHigh: number;
  chanceToBeatControl: number | null;
  lift: number | null;
}

/** Each variant's rate, interval and chance to beat control. */
export function variantResults(counts: readonly VariantCounts[]): VariantFigures[] {
  const control = counts.find((c) => c.name === CONTROL);
  const controlPost = control ? posterior(control) : null;
  const controlMean = controlPost ? betaMean(controlPost.a, controlPost.b) : null;
  return counts.map((c) => {
    const p = posterior(c);
    const rate = betaMean(p.a, p.b);
    const isControl = c.name === CONTROL || !controlPost;
    return {
      ...c,
      rate,
      rateLow: betaQuantile(0.025, p.a, p.b),
      rateHigh: betaQuantile(0.975, p.a, p.b),
      chanceToBeatControl: isControl ? null : probAbove(p, [controlPost]),
      lift: isControl || !controlMean ? null : rate / controlMean - 1,
    };
  });
}

/** The variant above the threshold with the highest chance to beat control, or null. */
export function leaderOf(results: readonly Pick<VariantFigures, 'name' | 'chanceToBeatControl'>[], threshold = DEFAULT_THRESHOLD): string | null {
  let best: Pick<VariantFigures, 'name' | 'chanceToBeatControl'> | null = null;
  for (const r of results) {
    if (r.chanceToBeatControl !== null && r.chanceToBeatControl >= threshold && (!best || r.chanceToBeatControl > best.chanceToBeatControl!)) {
      best = r;
    }
  }
  return best?.name ?? null;
}

/** P(each variant has the highest true rate), summing to 1 (up to integration error). */
export function probabilityBest(posteriors: readonly BetaParams[]): number[] {
  const raw = posteriors.map((p, i) => probAbove(p, posteriors.filter((_, j) => j !== i)));
  const sum = raw.reduce((s, x) => s + x, 0);
  return sum > 0 ? raw.map((x) => x / sum) : posteriors.map(() => 1 / posteriors.length);
}

/** New weights for Thompson mode from each variant's counts. */
export function thompsonWeights(counts: readonly Pick<VariantCounts, 'sends' | 'acceptances'>[], floor = THOMPSON_FLOOR): number[] {
  const k = counts.length;
  if (k === 0) return [];
  const f = Math.min(floor, 1 / k);
  const best = probabilityBest(counts.map(posterior));
  return best.map((p) => Math.round((f + (1 - k * f) * p) * 10_000) / 10_000);
}

/**
 * The results as they may leave the server (see the header: small-count suppression). Alone,
 * the channel's variants are protected as one breakdown of the channel's total; the server
 * passes `hiddenArm`, the verdict over every channel at once (server/viral/experimentArms.ts),
 * since the variants' totals across channels are published too. Either way a variant nobody
 * was assigned to is hidden.
 */
export function protectVariants(figures: readonly VariantFigures[], hiddenArm?: (name: string) => boolean): VariantResult[] {
  const hidden = figures.map((f) => f.inviters <= 0 || (hiddenArm?.(f.name) ?? true));
  if (!hiddenArm) {
    // A variant nobody was assigned to covers nothing (its figures are zeros a reader could
    // guess), so the complement is chosen among the others.
    const used = figures.flatMap((f, i) => (f.inviters > 0 ? [{ i, people: f.inviters }] : []));
    const total = { people: used.reduce((s, u) => s + u.people, 0) };
    protectBreakdown(used, total).forEach((r) => (hidden[r.i] = r.suppressed));
  }
  const controlHidden = figures.some((f, i) => f.name === CONTROL && hidden[i]);
  return figures.map((f, i) =>
    hidden[i]
      ? {
          name: f.name, weight: f.weight, sends: null, deliveries: null, opens: null, acceptances: null, inviters: null, bookings: null,
          bookingCents: null, rate: null, rateLow: null, rateHigh: null, chanceToBeatControl: null, lift: null, suppressed: true,
        }
      : { ...f, ...(controlHidden ? { chanceToBeatControl: null, lift: null } : {}), suppressed: false },
  );
}

export const SRM_HIDDEN_NOTE = 'some variants are hidden for privacy, and the test would give their size away';

/**
 * The split check as it may leave the server: with any variant hidden, its chi-square and
 * p-value (and so the verdict) would let a reader solve for the hidden variant's inviters from
 * the weights and the shown ones, so the check is reported as not made, with the reason.
 */
export function protectSrm(srm: SrmCheck, variants: readonly Pick<VariantResult, 'suppressed'>[]): SrmCheck {
  if (srm.skipped !== null || !variants.some((v) => v.suppressed)) return srm;
  return { chiSquare: 0, pValue: 1, mismatch: false, skipped: SRM_HIDDEN_NOTE };
}
