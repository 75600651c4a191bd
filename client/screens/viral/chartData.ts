/**
 * The numbers behind the dashboard's charts, shaped for drawing (uPlot's aligned columns, bar
 * widths). A suppressed cohort is a gap in the line, never a zero.
 */
import type { KSlice, PlatformData } from '../../../shared/analytics/snapshots';
import { shortDay } from './format';

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A weekly cohort's name on an axis: `3 Mar` for a week starting 3 March, else its label. */
export function cohortLabel(slice: Pick<KSlice, 'key' | 'label'>): string {
  if (ISO_DAY.test(slice.label)) return shortDay(slice.label);
  if (ISO_DAY.test(slice.key)) return shortDay(slice.key);
  return slice.label;
}

export interface TrendSeries {
  labels: string[];
  /** uPlot's x values: the cohort's position, oldest first. */
  x: number[];
  k: (number | null)[];
  low: (number | null)[];
  high: (number | null)[];
}

export function trendSeries(trend: readonly KSlice[]): TrendSeries {
  return {
    labels: trend.map(cohortLabel),
    x: trend.map((_, i) => i),
    k: trend.map((s) => (s.suppressed ? null : s.k)),
    low: trend.map((s) => (s.suppressed ? null : s.kLow)),
    high: trend.map((s) => (s.suppressed ? null : s.kHigh)),
  };
}

/** The top of the K axis: room for the target line and the highest interval, never below 1.5. */
export function trendTop(series: TrendSeries, target: number): number {
  const values = [...series.k, ...series.high].filter((v): v is number => v !== null);
  return Math.max(1.5, target * 1.25, ...values.map((v) => v * 1.1));
}

export interface FunnelStep {
  key: 'sent' | 'delivered' | 'opened' | 'accepted';
  label: string;
  count: number;
  /** Share of the invitations sent, 0..1 (the bar's length). */
  ofSent: number;
  /** Share of the step before, 0..1; null for the first step or when the step before is 0. */
  ofPrevious: number | null;
}

const funnelLabels = { sent: 'Sent', delivered: 'Delivered', opened: 'Opened', accepted: 'Accepted' } as const;

export function funnelSteps(funnel: NonNullable<PlatformData['funnel']>): FunnelStep[] {
  const keys = ['sent', 'delivered', 'opened', 'accepted'] as const;
  return keys.map((key, i) => {
    const count = funnel[key];
    const previous = i === 0 ? null : funnel[keys[i - 1]!];
    return {
      key,
      label: funnelLabels[key],
      count,
      ofSent: funnel.sent > 0 ? Math.min(1, count / funnel.sent) : 0,
      ofPrevious: previous ? count / previous : null,
    };
  });
}
