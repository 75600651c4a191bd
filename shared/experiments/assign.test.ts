import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { assignVariant, bucketRanges, chooseBucket, fnv1a32, hashToUnit, inRound, stickyVariant } from './assign';
import { chiSquarePValue } from './stats';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
const rng = createRng(seed);
const randomId = () => `user-${Math.floor(rng.next() * 2 ** 52).toString(36)}`;

const experiment = (weights: number[], status: 'running' | 'concluded' = 'running') => ({
  seed: 'email-invite-1',
  status,
  defaultVariant: 'control',
  variants: weights.map((weight, i) => ({ name: i === 0 ? 'control' : `variant_${String.fromCharCode(96 + i)}`, weight })),
});

describe('variant hashing (GrowthBook FNV-1a, hash v2)', () => {
  it('FNV-1a 32 matches the reference vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('hash v2 gives GrowthBook’s buckets for its own test cases', () => {
    // packages/sdk-js/test/cases.json, stickyBucket cases: seed "feature-exp", hashVersion 2.
    expect(hashToUnit('feature-exp', 'i123')).toBe(0.9943);
    expect(hashToUnit('feature-exp', 'd123')).toBe(0.6468);
  });

  it('every id hashes into [0, 1), the same every time', () => {
    for (let i = 0; i < 1000; i++) {
      const id = randomId();
      const n = hashToUnit('s', id);
      expect(n, `seed ${seed}`).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThan(1);
      expect(hashToUnit('s', id)).toBe(n);
    }
  });
});

describe('weighted buckets', () => {
  it('ranges tile [0, 1) in order, as wide as each weight’s share', () => {
    expect(bucketRanges([1, 1])).toEqual([[0, 0.5], [0.5, 1]]);
    expect(bucketRanges([3, 1, 0])).toEqual([[0, 0.75], [0.75, 1], [1, 1]]);
    expect(bucketRanges([0, 0])).toEqual([[0, 0], [0, 0]]);
  });

  it('a variant of weight 0 gets no one, and all-zero weights fall back to the default', () => {
    const ranges = bucketRanges([1, 0, 1]);
    for (let i = 0; i < 2000; i++) expect(chooseBucket(hashToUnit('x', randomId()), ranges)).not.toBe(1);
    expect(assignVariant(experiment([0, 0]), 'anyone')).toBe('control');
  });

  it('a concluded experiment gives everyone its default variant', () => {
    const e = { ...experiment([0, 1], 'concluded'), defaultVariant: 'variant_a' };
    expect(assignVariant(e, randomId())).toBe('variant_a');
  });

  it('a returning inviter keeps their variant while the weights stay', () => {
    const e = experiment([1, 1, 2]);
    for (let i = 0; i < 500; i++) {
      const id = randomId();
      expect(assignVariant(e, id)).toBe(assignVariant(structuredClone(e), id));
    }
  });

  it('the split follows the weights (chi-square, 50,000 ids)', () => {
    const weights = [0.5, 0.3, 0.2];
    const e = experiment(weights);
    const counts = new Map<string, number>();
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const v = assignVariant(e, randomId());
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const chi = e.variants.reduce((s, v, i) => s + ((counts.get(v.name) ?? 0) - n * weights[i]!) ** 2 / (n * weights[i]!), 0);
    expect(chiSquarePValue(chi, 2), `seed ${seed}, counts ${JSON.stringify([...counts])}`).toBeGreaterThan(0.0001);
  });

  it('a different seed reshuffles who gets what (experiments are independent)', () => {
    const a = experiment([1, 1]);
    const b = { ...a, seed: 'sms-invite-1' };
    let same = 0;
    for (let i = 0; i < 4000; i++) {
      const id = randomId();
      if (assignVariant(a, id) === assignVariant(b, id)) same += 1;
    }
    expect(same / 4000, `seed ${seed}`).toBeGreaterThan(0.45);
    expect(same / 4000).toBeLessThan(0.55);
  });
});

describe('sticky variants: a returning inviter keeps their arm when the weights move', () => {
  const startedAt = '2026-03-01T00:00:00.000Z';
  const during = '2026-03-02T09:00:00.000Z';
  const before = '2026-02-28T23:59:59.000Z';
  const running = (weights: number[]) => ({ ...experiment(weights), startedAt });
  /** An id that hashes to control under an even split and to variant_a under 5/95. */
  function switcher(): string {
    for (;;) {
      const id = randomId();
      if (assignVariant(running([1, 1]), id) === 'control' && assignVariant(running([0.05, 0.95]), id) === 'variant_a') return id;
    }
  }

  it('after a reweight, a returning inviter keeps the variant of their latest invitation', () => {
    const id = switcher();
    expect(stickyVariant(running([0.05, 0.95]), id, { variant: 'control', at: during }), `seed ${seed}`).toBe('control');
  });

  it('a new inviter follows the new weights', () => {
    const id = switcher();
    expect(stickyVariant(running([0.05, 0.95]), id, null)).toBe('variant_a');
  });

  it('a variant dropped to weight 0 (or removed) lets its inviters be bucketed again', () => {
    const id = switcher();
    expect(stickyVariant(running([0, 1]), id, { variant: 'control', at: during })).toBe('variant_a');
    expect(stickyVariant(running([0.05, 0.95]), id, { variant: 'variant_gone', at: during })).toBe('variant_a');
  });

  it('an invitation from before this round does not hold the inviter (a new round starts afresh)', () => {
    const id = switcher();
    expect(inRound({ startedAt }, before)).toBe(false);
    expect(inRound({ startedAt }, startedAt)).toBe(true);
    expect(inRound({ startedAt }, 'not a time')).toBe(false);
    expect(inRound({}, before)).toBe(true); // a config cached before rounds were sent: any invitation counts
    expect(stickyVariant(running([0.05, 0.95]), id, { variant: 'control', at: before })).toBe('variant_a');
  });

  it('a concluded experiment gives everyone the default, returning or not', () => {
    const e = { ...running([1, 1]), status: 'concluded' as const, defaultVariant: 'variant_a' };
    expect(stickyVariant(e, randomId(), { variant: 'control', at: during })).toBe('variant_a');
  });

  it('with the weights unchanged, sticky and plain assignment agree for everyone', () => {
    const e = running([2, 1, 1]);
    for (let i = 0; i < 2000; i++) {
      const id = randomId();
      const first = stickyVariant(e, id, null);
      expect(first).toBe(assignVariant(e, id));
      expect(stickyVariant(e, id, { variant: first, at: during })).toBe(first);
    }
  });

  it('property: over many random reweightings each inviter is only ever in one arm, and newcomers split by the last weights', () => {
    const rounds = 8;
    const weightsOf = () => [0.05 + rng.next(), 0.05 + rng.next(), 0.05 + rng.next()];
    const latest = new Map<string, string>();
    const arms = new Map<string, Set<string>>();
    const plainArms = new Map<string, Set<string>>(); // what plain hashing would have done: the oracle that this matters
    let weights = weightsOf();
    for (let r = 0; r < rounds; r++) {
      weights = weightsOf();
      const e = running(weights);
      const returning = [...latest.keys()].filter(() => rng.chance(0.5));
      const newcomers = Array.from({ length: 500 }, randomId);
      for (const id of [...returning, ...newcomers]) {
        const prior = latest.get(id);
        const v = stickyVariant(e, id, prior ? { variant: prior, at: during } : null);
        latest.set(id, v);
        arms.set(id, (arms.get(id) ?? new Set()).add(v));
        plainArms.set(id, (plainArms.get(id) ?? new Set()).add(assignVariant(e, id)));
      }
    }
    const inTwo = (m: Map<string, Set<string>>) => [...m.values()].filter((s) => s.size > 1).length;
    expect(inTwo(arms), `seed ${seed}`).toBe(0);
    expect(inTwo(plainArms), `seed ${seed}: plain hashing moves inviters between arms`).toBeGreaterThan(0);
    // Newcomers to the last round follow its weights.
    const e = running(weights);
    const n = 30_000;
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const v = stickyVariant(e, randomId(), null);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const total = weights.reduce((s, w) => s + w, 0);
    const chi = e.variants.reduce((s, v, i) => s + ((counts.get(v.name) ?? 0) - (n * weights[i]!) / total) ** 2 / ((n * weights[i]!) / total), 0);
    expect(chiSquarePValue(chi, 2), `seed ${seed}, weights ${weights}, counts ${JSON.stringify([...counts])}`).toBeGreaterThan(0.0001);
  });
});
