import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { betaCdf, betaQuantile, chiSquareCdf, chiSquarePValue, gammaP, gammaQ, logBeta, logGamma, probAbove } from './stats';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
const rng = createRng(seed);

/** Evan Miller's exact P(B > A) for integer Beta parameters. */
function exactBeatsA(aA: number, bA: number, aB: number, bB: number): number {
  let total = 0;
  for (let i = 0; i < aB; i++) total += Math.exp(logBeta(aA + i, bA + bB) - Math.log(bB + i) - logBeta(1 + i, bB) - logBeta(aA, bA));
  return total;
}

describe('gamma and beta functions', () => {
  it('logGamma matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(171)).toBeCloseTo(706.5730622457874, 8);
  });

  it('the Beta CDF matches closed forms', () => {
    for (let i = 0; i < 200; i++) {
      const x = rng.next();
      expect(betaCdf(x, 1, 1), `seed ${seed}`).toBeCloseTo(x, 12);
      expect(betaCdf(x, 2, 2)).toBeCloseTo(3 * x * x - 2 * x ** 3, 12);
      expect(betaCdf(x, 3, 1)).toBeCloseTo(x ** 3, 12);
    }
  });

  it('the Beta quantile inverts the CDF, also for large counts', () => {
    expect(betaQuantile(0.5, 1, 1)).toBeCloseTo(0.5, 10);
    expect(betaQuantile(0.3, 4, 1)).toBeCloseTo(0.3 ** (1 / 4), 10);
    for (const [a, b] of [[3, 50], [120, 880], [5001, 45001]] as const) {
      for (const p of [0.025, 0.5, 0.975]) expect(betaCdf(betaQuantile(p, a, b), a, b)).toBeCloseTo(p, 8);
    }
  });
});

describe('chi-square distribution (regularized gamma)', () => {
  it('matches the textbook critical values', () => {
    // [statistic, degrees of freedom, upper tail]
    const table = [
      [3.841458820694124, 1, 0.05],
      [6.634896601021214, 1, 0.01],
      [10.827566170662733, 1, 0.001],
      [5.991464547107979, 2, 0.05],
      [13.815510557964274, 2, 0.001],
      [16.26623619623813, 3, 0.001],
      [18.307038053275146, 10, 0.05],
      [124.3421134, 100, 0.05],
    ] as const;
    for (const [x, k, p] of table) {
      expect(chiSquarePValue(x, k)).toBeCloseTo(p, 6);
      expect(chiSquareCdf(x, k)).toBeCloseTo(1 - p, 6);
    }
  });

  it('two degrees of freedom have the closed form e^(−x/2); P + Q = 1', () => {
    for (let i = 0; i < 200; i++) {
      const x = rng.next() * 60;
      expect(chiSquarePValue(x, 2), `seed ${seed}`).toBeCloseTo(Math.exp(-x / 2), 12);
      const a = 0.5 + rng.next() * 20;
      expect(gammaP(a, x) + gammaQ(a, x)).toBeCloseTo(1, 12);
    }
    expect(chiSquarePValue(0, 3)).toBe(1);
  });
});

describe('chance to beat (numeric integral)', () => {
  it('equal posteriors give one half; a symmetric pair sums to one', () => {
    expect(probAbove({ a: 1, b: 1 }, [{ a: 1, b: 1 }])).toBeCloseTo(0.5, 6);
    expect(probAbove({ a: 31, b: 71 }, [{ a: 31, b: 71 }])).toBeCloseTo(0.5, 6);
    const p = probAbove({ a: 40, b: 60 }, [{ a: 30, b: 70 }]);
    const q = probAbove({ a: 30, b: 70 }, [{ a: 40, b: 60 }]);
    expect(p + q).toBeCloseTo(1, 6);
  });

  // Within 5e-6: the screens show the chance to one decimal of a percent. A steep posterior
  // such as Beta(1, 223) against Beta(4, 150) is off by 1.7e-6 (seed 335984235 found it).
  it('matches the exact sum for integer parameters', () => {
    expect(probAbove({ a: 1, b: 223 }, [{ a: 4, b: 150 }])).toBeCloseTo(exactBeatsA(4, 150, 1, 223), 5);
    for (let i = 0; i < 40; i++) {
      const [aA, bA, aB, bB] = [rng.int(1, 80), rng.int(1, 300), rng.int(1, 80), rng.int(1, 300)];
      expect(probAbove({ a: aB, b: bB }, [{ a: aA, b: bA }]), `seed ${seed}: ${[aA, bA, aB, bB]}`).toBeCloseTo(exactBeatsA(aA, bA, aB, bB), 5);
    }
  });

  it('stays accurate at scale: 10,000 sends per variant', () => {
    const p = probAbove({ a: 1 + 1250, b: 1 + 8750 }, [{ a: 1 + 1200, b: 1 + 8800 }]);
    expect(p).toBeCloseTo(exactBeatsA(1201, 8801, 1251, 8751), 5);
    expect(p).toBeGreaterThan(0.8);
    expect(p).toBeLessThan(0.9);
  });
});
