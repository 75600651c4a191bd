import { describe, expect, it } from 'vitest';
import type { KSlice } from '../../../shared/analytics/snapshots';
import { cohortLabel, funnelSteps, trendSeries, trendTop } from './chartData';

const slice = (key: string, k: number | null, suppressed = false): KSlice => ({
  key,
  label: key,
  inviters: suppressed ? null : 10,
  invited: suppressed ? null : 20,
  accepted: suppressed ? null : 12,
  k,
  kLow: k === null ? null : k - 0.2,
  kHigh: k === null ? null : k + 0.3,
  acceptanceRate: suppressed ? null : 0.6,
  suppressed,
});

describe('trend chart data', () => {
  it('weekly cohorts become aligned columns, oldest first, named by their first day', () => {
    const s = trendSeries([slice('2026-02-23', 1.1), slice('2026-03-02', 1.3)]);
    expect(s).toEqual({ labels: ['23 Feb', '2 Mar'], x: [0, 1], k: [1.1, 1.3], low: [1.1 - 0.2, 1.3 - 0.2], high: [1.1 + 0.3, 1.3 + 0.3] });
  });

  it('a suppressed cohort is a gap in the line, never a zero', () => {
    const s = trendSeries([slice('2026-02-23', 1.1), slice('2026-03-02', 0.9, true)]);
    expect(s.k).toEqual([1.1, null]);
    expect(s.low[1]).toBeNull();
    expect(s.high[1]).toBeNull();
  });

  it('a label that is not a day is shown as it is', () => {
    expect(cohortLabel({ key: 'w10', label: 'Week 10' })).toBe('Week 10');
    expect(cohortLabel({ key: '2026-03-02', label: 'w10' })).toBe('2 Mar');
  });

  it('the K axis always has room for the target and the highest interval', () => {
    expect(trendTop(trendSeries([slice('a', 0.2)]), 1.2)).toBe(1.5);
    expect(trendTop(trendSeries([slice('a', 2.7)]), 1.2)).toBeCloseTo(3.3);
  });
});

describe('funnel', () => {
  it('each step is measured against the invitations sent and the step before', () => {
    const steps = funnelSteps({ sent: 200, delivered: 180, opened: 90, accepted: 45 });
    expect(steps.map((s) => [s.label, s.count, s.ofSent, s.ofPrevious])).toEqual([
      ['Sent', 200, 1, null],
      ['Delivered', 180, 0.9, 0.9],
      ['Opened', 90, 0.45, 0.5],
      ['Accepted', 45, 0.225, 0.5],
    ]);
  });

  it('nothing sent draws empty bars rather than dividing by zero', () => {
    const steps = funnelSteps({ sent: 0, delivered: 0, opened: 0, accepted: 0 });
    expect(steps.every((s) => s.ofSent === 0 && s.ofPrevious === null)).toBe(true);
  });
});
