import { describe, expect, it } from 'vitest';
import { createRng } from './random';
import { K_HEALTHY, K_WARNING, kStatus, viralCoefficient, type KCounts } from './viral';

/** Seed for the randomized checks: `SEED=123 npx vitest run shared/viral.test.ts` reruns one. */
const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);

/** Consistent counts: every inviter sent at least one invitation, accepted ≤ invited. */
function randomCounts(rng: ReturnType<typeof createRng>): KCounts {
  const inviters = rng.chance(0.05) ? 0 : rng.int(1, 500);
  const invited = inviters === 0 ? 0 : inviters + rng.int(0, inviters * 20);
  return { inviters, invited, accepted: rng.int(0, invited) };
}

describe('viral coefficient K', () => {
  it('K is accepted ÷ inviters and equals i × c, with the health that K implies, for random counts', () => {
    const rng = createRng(seed);
    for (let run = 0; run < 2000; run++) {
      const c = randomCounts(rng);
      try {
        const { k, invitesPerInviter, acceptanceRate } = viralCoefficient(c);
        expect(k).toBe(c.inviters === 0 ? 0 : c.accepted / c.inviters);
        expect(invitesPerInviter * acceptanceRate).toBeCloseTo(k, 9);
        expect(acceptanceRate).toBeGreaterThanOrEqual(0);
        expect(acceptanceRate).toBeLessThanOrEqual(1);
        expect(kStatus(k)).toBe(k >= 1.2 ? 'healthy' : k >= 1.0 ? 'warning' : 'critical');
      } catch (err) {
        throw new Error(`failed for ${JSON.stringify(c)} (run ${run}; rerun with SEED=${seed}): ${String(err)}`);
      }
    }
  });

  it('with no inviters K is 0, not NaN', () => {
    expect(viralCoefficient({ invited: 0, accepted: 0, inviters: 0 })).toEqual({
      k: 0,
      invitesPerInviter: 0,
      acceptanceRate: 0,
    });
  });

  it('a worked example: 10 inviters, 40 invitations, 14 accepted → i = 4, c = 0.35, K = 1.4', () => {
    const parts = viralCoefficient({ inviters: 10, invited: 40, accepted: 14 });
    expect(parts.invitesPerInviter).toBe(4);
    expect(parts.acceptanceRate).toBe(0.35);
    expect(parts.k).toBe(1.4);
  });

  it('health is healthy from 1.2, warning from 1.0, critical below', () => {
    expect([K_HEALTHY, K_WARNING]).toEqual([1.2, 1.0]);
    expect(kStatus(1.2)).toBe('healthy');
    expect(kStatus(3)).toBe('healthy');
    expect(kStatus(1.1999)).toBe('warning');
    expect(kStatus(1.0)).toBe('warning');
    expect(kStatus(0.9999)).toBe('critical');
    expect(kStatus(0)).toBe('critical');
  });

  it.each<[string, KCounts]>([
    ['more accepted than invited', { invited: 3, accepted: 4, inviters: 1 }],
    ['a negative count', { invited: 3, accepted: -1, inviters: 1 }],
    ['more inviters than invitations', { invited: 2, accepted: 1, inviters: 3 }],
    ['invitations without an inviter', { invited: 2, accepted: 1, inviters: 0 }],
    ['a fractional count', { invited: 2.5, accepted: 1, inviters: 1 }],
    ['NaN', { invited: Number.NaN, accepted: 0, inviters: 1 }],
  ])('inconsistent counts throw: %s', (_name, counts) => {
    expect(() => viralCoefficient(counts)).toThrow(RangeError);
  });
});
