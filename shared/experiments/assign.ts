/**
 * Variant assignment: a pure function of (experiment seed, inviter id), the weights and the
 * inviter's latest earlier invitation on the channel, so an offline device assigns exactly what
 * the server would, and a returning inviter keeps their variant even when the weights move.
 *  - `hashToUnit(seed, id)` is GrowthBook's hash version 2: FNV-1a (32-bit, over UTF-16 code
 *    units) of `seed + id`, hashed again as its decimal string, mod 10,000 → [0, 1) in steps of
 *    1/10,000. The second pass spreads ids that differ only in their last characters.
 *  - Buckets are consecutive ranges of [0, 1), one per variant, as wide as its share of the
 *    total weight (GrowthBook's getBucketRanges with full coverage). A variant of weight 0 gets
 *    no one. The same inputs always give the same ranges, in the same floating-point order.
 *  - A concluded experiment (its winner promoted) gives everyone its default variant; so does an
 *    experiment whose weights are all 0.
 *  - Sticky (`stickyVariant`): reweighting (Thompson mode, or the owner) moves the ranges, which
 *    would move inviters between arms and count one inviter in two. So an inviter whose latest
 *    invitation on the channel belongs to this round (counted at or after `startedAt`) keeps
 *    that invitation's variant while it still has a weight above 0; only new inviters (and those
 *    whose variant was dropped to 0 or removed) are bucketed by the current weights. The latest
 *    invitation is the device's latest local one, or the server's latest in the database.
 */
import type { ExperimentConfig } from './config';

type Assignable = Pick<ExperimentConfig, 'seed' | 'status' | 'defaultVariant' | 'variants' | 'startedAt'>;

/** FNV-1a, 32 bits, over the string's UTF-16 code units (as GrowthBook does). */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    // h * 16777619 (the FNV prime) modulo 2^32, without leaving 32-bit integer arithmetic.
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** GrowthBook hash v2: a stable position of `id` in [0, 1) for this seed. */
export function hashToUnit(seed: string, id: string): number {
  return (fnv1a32(String(fnv1a32(seed + id))) % 10_000) / 10_000;
}

/** Each weight as a [start, end) range of [0, 1), in order; all empty when the weights sum to 0. */
export function bucketRanges(weights: readonly number[]): [number, number][] {
  const total = weights.reduce((sum, w) => sum + Math.max(0, w), 0);
  let start = 0;
  return weights.map((w) => {
    const width = total > 0 ? Math.max(0, w) / total : 0;
    const range: [number, number] = [start, start + width];
    start += width;
    return range;
  });
}

/** The index of the range `n` falls in, or -1 (the last range's end may fall short of 1 by rounding). */
export function chooseBucket(n: number, ranges: readonly [number, number][]): number {
  let last = -1;
  for (let i = 0; i < ranges.length; i++) {
    const [start, end] = ranges[i]!;
    if (end > start) last = i;
    if (n >= start && n < end) return i;
  }
  return last;
}

/** The variant this inviter gets in this experiment. */
export function assignVariant(experiment: Omit<Assignable, 'startedAt'>, inviterId: string): string {
  if (experiment.status !== 'running') return experiment.defaultVariant;
  const ranges = bucketRanges(experiment.variants.map((v) => v.weight));
  const i = chooseBucket(hashToUnit(experiment.seed, inviterId), ranges);
  return i < 0 ? experiment.defaultVariant : experiment.variants[i]!.name;
}

/** The inviter's latest earlier invitation on the experiment's channel: its variant, and when it was counted. */
export interface PriorAssignment {
  variant: string;
  /** ISO time it was counted (the device's capture time while it is not synced yet). */
  at: string;
}

/** Whether an invitation counted at `at` belongs to the experiment's current round (no start known: it does). */
export function inRound(experiment: Pick<Assignable, 'startedAt'>, at: string): boolean {
  if (!experiment.startedAt) return true;
  const t = Date.parse(at);
  return Number.isFinite(t) && t >= Date.parse(experiment.startedAt);
}

/** The variant this inviter gets, given their latest earlier invitation on the channel (see the header). */
export function stickyVariant(experiment: Assignable, inviterId: string, prior: PriorAssignment | null | undefined): string {
  if (experiment.status === 'running' && prior && inRound(experiment, prior.at)) {
    const kept = experiment.variants.find((v) => v.name === prior.variant);
    if (kept && kept.weight > 0) return kept.name;
  }
  return assignVariant(experiment, inviterId);
}
