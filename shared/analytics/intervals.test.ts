import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { Z_95, kInterval, medianFromHistogram, rateInterval } from './intervals';

/** Seed for the randomized checks: `SEED=123 npx vitest run shared/analytics` reruns one. */
const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);

function withSeed(run: number, input: unknown, check: () => void): void {
  try {
    check();
  } catch (err) {
    throw new Error(`failed for ${JSON.stringify(input)} (run ${run}; rerun with SEED=${seed}): ${String(err)}`);
  }
}

describe('K interval (Byar, 95%)', () => {
  it('matches the published Poisson limits for small counts (Byar within 1%)', () => {
    // Exact 95% Poisson limits (Garwood): x = 0 → [0, 3.689]; 5 → [1.623, 11.668]; 20 → [12.217, 30.888].
    expect(kInterval(0, 1)).toEqual({ low: 0, high: expect.closeTo(3.689, 1) });
    const five = kInterval(5, 1);
    expect(five.low).toBeCloseTo(1.623, 1);
    expect(five.high).toBeCloseTo(11.668, 1);
    const twenty = kInterval(20, 1);
    expect(Math.abs(twenty.low / 12.217 - 1)).toBeLessThan(0.01);
    expect(Math.abs(twenty.high / 30.888 - 1)).toBeLessThan(0.01);
  });

  it('a worked example: 14 accepted by 10 inviters → K = 1.4 in about [0.77, 2.35]', () => {
    const { low, high } = kInterval(14, 10);
    expect(low).toBeCloseTo(0.765, 2);
    expect(high).toBeCloseTo(2.349, 2);
  });

  it('the interval contains K, scales with 1 ÷ inviters and narrows relative to K as counts grow', () => {
    const rng = createRng(seed);
    for (let run = 0; run < 2000; run++) {
      const accepted = rng.int(0, 5000);
      const inviters = rng.int(1, 1000);
      withSeed(run, { accepted, inviters }, () => {
        const i = kInterval(accepted, inviters);
        const k = accepted / inviters;
        expect(i.low).toBeGreaterThanOrEqual(0);
        expect(i.low).toBeLessThanOrEqual(k);
        expect(i.high).toBeGreaterThan(k);
        const one = kInterval(accepted, 1);
        expect(i.low).toBeCloseTo(one.low / inviters, 9);
        expect(i.high).toBeCloseTo(one.high / inviters, 9);
        // Four times the counts: the relative width roughly halves, and never grows.
        if (accepted > 0) {
          const more = kInterval(accepted * 4, inviters * 4);
          expect((more.high - more.low) / (4 * k)).toBeLessThan((i.high - i.low) / k);
        }
      });
    }
  });

  it('no inviters gives {0, 0}; bad counts throw', () => {
    expect(kInterval(0, 0)).toEqual({ low: 0, high: 0 });
    for (const [a, n] of [[-1, 3], [1.5, 3], [2, -1], [2, 0.5], [Number.NaN, 1], [Infinity, 1]] as const) {
      expect(() => kInterval(a, n)).toThrow(RangeError);
    }
  });
});

describe('rate interval (Wilson, 95%)', () => {
  it('matches the textbook value: 8 of 10 → [0.490, 0.943]', () => {
    const { low, high } = rateInterval(8, 10);
    expect(low).toBeCloseTo(0.4902, 3);
    expect(high).toBeCloseTo(0.9433, 3);
  });

  it('stays in [0, 1], contains the rate, is symmetric under swapping successes and failures', () => {
    const rng = createRng(seed + 1);
    for (let run = 0; run < 2000; run++) {
      const trials = rng.int(1, 10_000);
      const successes = rng.chance(0.1) ? rng.pick([0, trials]) : rng.int(0, trials);
      withSeed(run, { successes, trials }, () => {
        const i = rateInterval(successes, trials);
        const p = successes / trials;
        expect(i.low).toBeGreaterThanOrEqual(0);
        expect(i.high).toBeLessThanOrEqual(1);
        expect(i.low).toBeLessThanOrEqual(p);
        expect(i.high).toBeGreaterThanOrEqual(p);
        expect(i.high).toBeGreaterThan(i.low);
        const flipped = rateInterval(trials - successes, trials);
        expect(flipped.low).toBeCloseTo(1 - i.high, 9);
        expect(flipped.high).toBeCloseTo(1 - i.low, 9);
        // Wilson half-width peaks at p = ½ and never exceeds z ÷ (2√n).
        expect((i.high - i.low) / 2).toBeLessThanOrEqual(Z_95 / (2 * Math.sqrt(trials)) + 1e-12);
      });
    }
  });

  it('zero trials gives {0, 0}; impossible counts throw', () => {
    expect(rateInterval(0, 0)).toEqual({ low: 0, high: 0 });
    expect(rateInterval(0, 5).low).toBe(0);
    expect(rateInterval(5, 5).high).toBe(1);
    expect(() => rateInterval(6, 5)).toThrow(RangeError);
    expect(() => rateInterval(-1, 5)).toThrow(RangeError);
    expect(() => rateInterval(1, 2.5)).toThrow(RangeError);
  });
});

describe('median from a histogram', () => {
  function bruteMedian(bins: { value: number; n: number }[]): number | null {
    const all = bins.flatMap((b) => Array<number>(b.n).fill(b.value)).sort((a, b) => a - b);
    if (all.length === 0) return null;
    const mid = Math.floor(all.length / 2);
    return all.length % 2 === 1 ? all[mid]! : (all[mid - 1]! + all[mid]!) / 2;
  }

  it('equals the median of the expanded, sorted values for random unsorted bins with repeats', () => {
    const rng = createRng(seed + 2);
    for (let run = 0; run < 3000; run++) {
      const bins = Array.from({ length: rng.int(0, 12) }, () => ({
        value: rng.chance(0.5) ? rng.int(-5, 5) : rng.int(-1000, 1000) / 8,
        n: rng.chance(0.2) ? 0 : rng.int(1, 9),
      }));
      withSeed(run, bins, () => expect(medianFromHistogram(bins)).toBe(bruteMedian(bins)));
    }
  });

  it('worked examples: odd and even totals, empty', () => {
    expect(medianFromHistogram([{ value: 3, n: 1 }, { value: 1, n: 1 }, { value: 2, n: 1 }])).toBe(2);
    expect(medianFromHistogram([{ value: 10, n: 1 }, { value: 1, n: 1 }])).toBe(5.5);
    expect(medianFromHistogram([{ value: 7, n: 2 }, { value: 1, n: 1 }, { value: 7, n: 1 }])).toBe(7);
    expect(medianFromHistogram([])).toBeNull();
    expect(medianFromHistogram([{ value: 4, n: 0 }])).toBeNull();
  });

  it('bad bins throw', () => {
    expect(() => medianFromHistogram([{ value: 1, n: -1 }])).toThrow(RangeError);
    expect(() => medianFromHistogram([{ value: 1, n: 1.5 }])).toThrow(RangeError);
    expect(() => medianFromHistogram([{ value: Number.NaN, n: 1 }])).toThrow(RangeError);
  });
});
