import { describe, expect, it } from 'vitest';
import { protectSrm, protectVariants, SRM_HIDDEN_NOTE, srmCheck, variantResults, type VariantCounts } from './results';

const counts = (name: string, inviters: number, sends = inviters * 10, acceptances = inviters * 2): VariantCounts => ({
  name, weight: 1, sends, deliveries: sends, opens: sends, acceptances, inviters, bookings: 1, bookingCents: 100,
});

describe('experiment results leaving the server (privacy)', () => {
  it('show every figure when each variant has 5 inviters or more', () => {
    const shown = protectVariants(variantResults([counts('control', 5), counts('variant_a', 9)]));
    expect(shown.map((v) => v.suppressed)).toEqual([false, false]);
    expect(shown[1]).toMatchObject({ inviters: 9, sends: 90, acceptances: 18 });
    expect(shown[1]!.chanceToBeatControl).toEqual(expect.any(Number));
  });

  it('hide a variant under 5 inviters and its complement; with control hidden no variant shows a chance to beat it', () => {
    const out = protectVariants(variantResults([counts('control', 40), counts('variant_a', 3), counts('variant_b', 12)]));
    expect(out.map((v) => [v.name, v.suppressed])).toEqual([['control', false], ['variant_a', true], ['variant_b', true]]);
    expect(out[1]).toMatchObject({ sends: null, acceptances: null, inviters: null, rate: null, bookings: null, bookingCents: null, chanceToBeatControl: null, weight: 1 });
    const controlHidden = protectVariants(variantResults([counts('control', 2), counts('variant_a', 30), counts('variant_b', 20)]));
    expect(controlHidden.map((v) => v.suppressed)).toEqual([true, false, true]);
    expect(controlHidden[1]).toMatchObject({ inviters: 30, chanceToBeatControl: null, lift: null });
  });

  it('a variant nobody was assigned to is hidden but covers nothing: the small one still takes a complement', () => {
    const out = protectVariants(variantResults([counts('control', 8), counts('variant_a', 3), counts('variant_b', 0)]));
    expect(out.map((v) => v.suppressed)).toEqual([true, true, true]);
  });
});

describe('the split check and the arms of every channel', () => {
  it('shows no chi-square or p-value once a variant is hidden: with the weights and the shown variants they would solve for its size', () => {
    const few = [counts('control', 30), counts('variant_a', 3), counts('variant_b', 12)];
    const srm = srmCheck(few.map((c) => c.inviters), few.map((c) => c.weight));
    expect(srm.skipped).toBeNull();
    expect(srm.chiSquare).toBeGreaterThan(0);
    const shown = protectVariants(variantResults(few));
    expect(protectSrm(srm, shown)).toEqual({ chiSquare: 0, pValue: 1, mismatch: false, skipped: SRM_HIDDEN_NOTE });
    // Every variant shown: the check stays as it is; a check already skipped keeps its own reason.
    const many = [counts('control', 30), counts('variant_a', 28)];
    const full = srmCheck(many.map((c) => c.inviters), many.map((c) => c.weight));
    expect(protectSrm(full, protectVariants(variantResults(many)))).toEqual(full);
    const skipped = srmCheck([3, 4], [1, 1]);
    expect(protectSrm(skipped, [{ suppressed: true }])).toEqual(skipped);
  });

  it('follow the verdict over every channel when the server gives one: a variant shown within its channel may be hidden for a variant total', () => {
    const out = protectVariants(variantResults([counts('control', 30), counts('variant_a', 10), counts('variant_b', 12)]), (name) => name !== 'control');
    expect(out.map((v) => v.suppressed)).toEqual([false, true, true]);
    // Nobody assigned is hidden whatever the verdict.
    expect(protectVariants(variantResults([counts('control', 30), counts('variant_a', 0)]), () => false).map((v) => v.suppressed)).toEqual([false, true]);
  });
});
