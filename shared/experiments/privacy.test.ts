import { describe, expect, it } from 'vitest';
import { protectVariants, variantResults, type VariantCounts } from './results';

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
