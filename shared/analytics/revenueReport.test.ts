import { describe, expect, it } from 'vitest';
import { attributionReport, REFERRERS_LISTED, type ReferredBooking } from './revenueReport';

/** `chain`: the booker's referrers, nearest first, ending where the chain ends (≤ 3 given). */
const booking = (coupleId: string, dollars: number, chain: string[], extra: Partial<ReferredBooking> = {}): ReferredBooking => ({
  coupleId,
  cents: dollars * 100,
  referrers: chain.slice(0, 3).map((id) => ({ id, name: `Name of ${id}` })),
  channel: 'email',
  variant: 'control',
  month: '2026-02',
  ...extra,
});

/** `n` couples referred by `referrer` (whose own chain above is `above`), each booking `dollars`. */
const referred = (prefix: string, n: number, referrer: string, above: string[], dollars = 100) =>
  Array.from({ length: n }, (_, i) => booking(`${prefix}${i}`, dollars, [referrer, ...above]));

describe('the referred revenue report', () => {
  it('counts every referred booker in the total; a booker 4 levels down is credited to the 3 referrers above, not the top', () => {
    // top → a0 → b0 → c0 → d*, each generation 5 bookers.
    const rows = [
      ...referred('a', 5, 'top', [], 100),
      ...referred('b', 5, 'a0', ['top'], 200),
      ...referred('c', 5, 'b0', ['a0', 'top'], 300),
      ...referred('d', 5, 'c0', ['b0', 'a0', 'top'], 400),
    ];
    const r = attributionReport(rows);
    expect(r).toMatchObject({ total: 5000, referredPeople: 20, direct: 500, indirect: 4500, suppressed: false });
    const row = (id: string) => r.byReferrer.find((x) => x.key === id);
    expect(row('top')).toMatchObject({ label: 'Name of top', people: 15, revenue: 3000, direct: 500, indirect: 2500, suppressed: false });
    expect(row('a0')).toMatchObject({ people: 15, revenue: 4500, direct: 1000, indirect: 3500 });
    expect(row('b0')).toMatchObject({ people: 10, revenue: 3500, direct: 1500, indirect: 2000 });
    expect(row('c0')).toMatchObject({ people: 5, revenue: 2000, direct: 2000, indirect: 0 });
    expect(r.byReferrer.map((x) => x.key)).toEqual(['a0', 'b0', 'top', 'c0']);
  });

  it("hides a referrer's indirect (and so their total) when a referrer below them with fewer than 5 bookers is the only unexplained part of it", () => {
    const rows = [
      ...referred('a', 5, 'top', [], 100),
      ...referred('b', 5, 'a0', ['top'], 200),
      ...referred('e', 2, 'a1', ['top'], 1000), // a1 referred 2 bookers: a hidden direct figure
      // Elsewhere, 3 more such bookers, so the headline's indirect leaves 5 people unexplained.
      ...referred('q', 5, 'top2', [], 100),
      ...referred('f', 3, 'q0', ['top2'], 50),
    ];
    const r = attributionReport(rows);
    // top's indirect = a0's direct (shown) + a1's (hidden): shown, it would give a1's 2 bookers away.
    expect(r.byReferrer.find((x) => x.key === 'top')).toMatchObject({ direct: 500, indirect: null, revenue: null, people: null, suppressed: true });
    expect(r.byReferrer.find((x) => x.key === 'a1')).toMatchObject({ direct: null, indirect: null, revenue: null });
    expect(r.byReferrer.find((x) => x.key === 'a0')).toMatchObject({ direct: 1000, indirect: 0, revenue: 1000 });
  });

  it('hides a further direct figure when a headline sum would otherwise leave fewer than 5 people unexplained', () => {
    // Referrers nobody referred: r1 (6 bookers) and r2 (3). Headline direct = r1 + r2: r1 must
    // hide, and then hides enough in the total too (x0, referred by r1, stays).
    const rows = [...referred('x', 6, 'r1', []), ...referred('y', 3, 'r2', []), ...referred('z', 5, 'x0', ['r1'])];
    const r = attributionReport(rows);
    expect(r).toMatchObject({ total: 1400, direct: 900, indirect: 500 });
    const direct = Object.fromEntries(r.byReferrer.map((x) => [x.key, x.direct]));
    expect(direct).toEqual({ r1: null, r2: null, x0: 500 });
  });

  it('treats referrers beyond the listed ones as not shown', () => {
    // 21 referrers nobody referred, 5 bookers each, the last one 4 (not listed in any case).
    const rows = Array.from({ length: REFERRERS_LISTED + 1 }, (_, i) => referred(`p${i}-`, i === REFERRERS_LISTED ? 4 : 5, `r${String(i).padStart(2, '0')}`, [], 100 + i)).flat();
    const r = attributionReport(rows);
    expect(r.byReferrer).toHaveLength(REFERRERS_LISTED);
    // The unlisted one hides 4 people: one listed direct figure hides with it (the smallest).
    expect(r.byReferrer.filter((x) => x.direct === null).map((x) => x.key)).toEqual(['r00']);
  });

  it('labels channels, variants and months in words, and says when the invitation is not known', () => {
    const rows = [
      ...referred('a', 5, 'top', []).map((b) => ({ ...b, channel: 'sms', variant: 'variant_a', month: '2026-03' })),
      ...referred('b', 5, 'top2', []).map((b) => ({ ...b, channel: null, variant: null })),
    ];
    const r = attributionReport(rows);
    expect(r.byChannel.map((x) => [x.key, x.label])).toEqual([['sms', 'SMS'], ['unknown', 'Not known']]);
    expect(r.byVariant.map((x) => [x.key, x.label])).toEqual([['variant_a', 'Variant a'], ['unknown', 'Not known']]);
    expect(r.byMonth.map((x) => [x.key, x.label])).toEqual([['2026-02', 'February 2026'], ['2026-03', 'March 2026']]);
  });
});
