import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { leaderOf, probabilityBest, srmCheck, thompsonWeights, variantResults, type VariantCounts } from './results';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
const rng = createRng(seed);

const counts = (name: string, sends: number, acceptances: number, inviters = 0): VariantCounts => ({
  name, weight: 1, sends, deliveries: sends, opens: sends, acceptances, inviters, bookings: 0, bookingCents: 0,
});

describe('experiment results', () => {
  it('gives each variant a posterior rate inside its 95% credible interval, and a chance to beat control', () => {
    const [control, a] = variantResults([counts('control', 1000, 100), counts('variant_a', 1000, 140)]);
    expect(control!.chanceToBeatControl).toBeNull();
    expect(control!.rate).toBeCloseTo(101 / 1002, 10);
    expect(control!.rateLow).toBeLessThan(control!.rate);
    expect(control!.rateHigh).toBeGreaterThan(control!.rate);
    // Normal approximation of the interval: ±1.96 sd ≈ ±0.0187.
    expect(control!.rateHigh - control!.rateLow).toBeCloseTo(2 * 1.96 * Math.sqrt((0.1 * 0.9) / 1000), 2);
    expect(a!.chanceToBeatControl).toBeGreaterThan(0.99);
    expect(a!.lift).toBeCloseTo(141 / 101 - 1, 10);
    expect(leaderOf([control!, a!], 0.95)).toBe('variant_a');
    expect(leaderOf([control!, a!], 0.999)).toBeNull();
  });

  it('no data means no opinion: a chance of one half, and no leader', () => {
    const r = variantResults([counts('control', 0, 0), counts('variant_a', 0, 0)]);
    expect(r[1]!.chanceToBeatControl).toBeCloseTo(0.5, 6);
    expect(leaderOf(r)).toBeNull();
  });

  it('flags a sample-ratio mismatch at p < 0.001 and not an honest split', () => {
    expect(srmCheck([5000, 5000], [1, 1])).toMatchObject({ mismatch: false, chiSquare: 0, pValue: 1 });
    const skewed = srmCheck([5200, 4800], [1, 1]);
    expect(skewed.chiSquare).toBeCloseTo(16, 10);
    expect(skewed.pValue).toBeCloseTo(6.334e-5, 7);
    expect(skewed.mismatch).toBe(true);
    expect(srmCheck([5100, 4900], [1, 1]).mismatch).toBe(false); // p ≈ 0.046
    expect(srmCheck([10, 2], [1, 1]).skipped).toMatch(/fewer than 20/);
    expect(srmCheck([900, 100], [1, 1], 'thompson').skipped).toMatch(/Thompson/);
    expect(srmCheck([50, 50, 3], [1, 1, 0])).toMatchObject({ mismatch: true, pValue: 0 });
  });

  it('an honest random split raises the SRM alarm about 0.1% of the time (property)', () => {
    let alarms = 0;
    const runs = 2000;
    for (let r = 0; r < runs; r++) {
      const obs = [0, 0, 0];
      for (let i = 0; i < 300; i++) {
        const u = rng.next();
        obs[u < 0.5 ? 0 : u < 0.8 ? 1 : 2]! += 1;
      }
      if (srmCheck(obs, [5, 3, 2]).mismatch) alarms += 1;
    }
    expect(alarms, `seed ${seed}`).toBeLessThanOrEqual(10);
  });

  it('Thompson weights favour the better variant, keep a floor, and stay put without data', () => {
    const w = thompsonWeights([{ sends: 500, acceptances: 50 }, { sends: 500, acceptances: 80 }]);
    expect(w[1]).toBeGreaterThan(0.9);
    expect(w[0]).toBeGreaterThanOrEqual(0.05);
    expect(w[0]! + w[1]!).toBeCloseTo(1, 3);
    expect(thompsonWeights([{ sends: 0, acceptances: 0 }, { sends: 0, acceptances: 0 }, { sends: 0, acceptances: 0 }])).toEqual([0.3333, 0.3333, 0.3333]);
  });

  it('probabilities of being best sum to one (property)', () => {
    for (let i = 0; i < 20; i++) {
      const k = rng.int(2, 4);
      const posts = Array.from({ length: k }, () => ({ a: rng.int(1, 200), b: rng.int(1, 2000) }));
      const p = probabilityBest(posts);
      expect(p.reduce((s, x) => s + x, 0), `seed ${seed}`).toBeCloseTo(1, 9);
      p.forEach((x) => expect(x).toBeGreaterThanOrEqual(0));
    }
  });
});
