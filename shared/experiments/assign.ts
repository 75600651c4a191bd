/**
 * Variant assignment: a pure function of (experiment seed, inviter id) and the weights, so an
 * offline device assigns exactly what the server would, and a returning inviter keeps their
 * variant for as long as the weights stay put.
 *  - `hashToUnit(seed, id)` is GrowthBook's hash version 2: FNV-1a (32-bit, over UTF-16 code
 *    units) of `seed + id`, hashed again as its decimal string, mod 10,000 → [0, 1) in steps of
 *    1/10,000. The second pass spreads ids that differ only in their last characters.
 *  - Buckets are consecutive ranges of [0, 1), one per variant, as wide as its share of the
 *    total weight (GrowthBook's getBucketRanges with full coverage). A variant of weight 0 gets
 *    no one. The same inputs always give the same ranges, in the same floating-point order.
 *  - A concluded experiment (its winner promoted) gives everyone its default variant; so does an
 *    experiment whose weights are all 0.
 */
import type { ExperimentConfig } from './config';

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
export function assignVariant(
  experiment: Pick<ExperimentConfig, 'seed' | 'status' | 'defaultVariant' | 'variants'>,
  inviterId: string,
): string {
  if (experiment.status !== 'running') return experiment.defaultVariant;
  const ranges = bucketRanges(experiment.variants.map((v) => v.weight));
  const i = chooseBucket(hashToUnit(experiment.seed, inviterId), ranges);
  return i < 0 ? experiment.defaultVariant : experiment.variants[i]!.name;
}
