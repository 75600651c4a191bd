/**
 * K of each weekly cohort as a line (uPlot on a canvas), its 95% interval as a band and the
 * healthy target K = 1.2 as a dashed line. The canvas is for looking; the same figures are in
 * a table under "Show the figures" for screen readers and keyboards, each with the number of
 * inviters behind it (a week of fewer than 5 says so instead).
 */
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { SUPPRESSED_LABEL } from '../../../shared/analytics/privacy';
import type { KSlice } from '../../../shared/analytics/snapshots';
import { K_HEALTHY } from '../../../shared/viral';
import { trendSeries, trendTop, type TrendSeries } from './chartData';
import { formatCount, formatInterval, formatK, formatPercent } from './format';

const HEIGHT = 240;
const PLUM = '#7a2e4d';
const OK = '#1f7a4d';
const MUTED = '#6b6266';

function options(s: TrendSeries, width: number): uPlot.Options {
  const value = (_u: uPlot, v: number | null) => formatK(v ?? null);
  const band = { stroke: 'rgba(122, 46, 77, 0.35)', width: 1, dash: [3, 3], points: { show: false }, value };
  return {
    width,
    height: HEIGHT,
    scales: {
      x: { time: false, range: [-0.5, Math.max(0.5, s.x.length - 0.5)] },
      y: { range: () => [0, trendTop(s, K_HEALTHY)] },
    },
    axes: [
      {
        stroke: MUTED,
        space: 56,
        incrs: [1, 2, 3, 4, 6, 8, 13],
        grid: { show: false },
        values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? (s.labels[v] ?? '') : '')),
      },
      { stroke: MUTED, size: 40, grid: { stroke: '#eee6e9' }, values: (_u, splits) => splits.map((v) => v.toFixed(1)) },
    ],
    series: [
      { label: 'Week of', value: (_u, v) => (v === null ? '—' : (s.labels[v] ?? '')) },
      { label: 'K', stroke: PLUM, width: 2, points: { show: true, size: 7, fill: PLUM }, value },
      { label: '95% low', ...band },
      { label: '95% high', ...band },
      { label: `Target ${K_HEALTHY.toFixed(1)}`, stroke: OK, width: 2, dash: [8, 6], points: { show: false }, value },
    ],
    bands: [{ series: [3, 2], fill: 'rgba(122, 46, 77, 0.10)' }],
    // Labels only: the figures of a hovered week show as the cursor's points, and all of them in the table below.
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
  };
}

function summary(trend: readonly KSlice[], s: TrendSeries): string {
  const shown = s.k.map((k, i) => ({ k, label: s.labels[i] })).filter((p) => p.k !== null);
  const last = shown[shown.length - 1];
  const range = `${s.labels[0]} to ${s.labels[s.labels.length - 1]}`;
  if (!last) return `K by weekly cohort, ${range}: every week has fewer than 5 inviters.`;
  return `K by weekly cohort, ${trend.length} weeks from ${range}. Latest shown: ${formatK(last.k)} (week of ${last.label}); target ${K_HEALTHY.toFixed(1)}.`;
}

export function TrendChart({ trend }: { trend: readonly KSlice[] }) {
  const host = useRef<HTMLDivElement>(null);
  // Snapshots arrive as new objects on every sync: redraw only when the figures change.
  const key = JSON.stringify(trend);
  const series = useMemo(() => trendSeries(trend), [key]);

  useEffect(() => {
    const el = host.current;
    if (!el || series.x.length === 0) return;
    const width = () => Math.max(240, Math.floor(el.clientWidth));
    const target = series.x.map(() => K_HEALTHY);
    const plot = new uPlot(options(series, width()), [series.x, series.k, series.low, series.high, target], el);
    const resize = new ResizeObserver(() => {
      if (plot.width !== width()) plot.setSize({ width: width(), height: HEIGHT });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series]);

  if (trend.length === 0) return <p className="muted">No weekly cohorts in this window yet.</p>;
  return (
    <figure className="chart" data-testid="k-trend">
      <div ref={host} className="chart-canvas" role="img" aria-label={summary(trend, series)} />
      <figcaption className="muted">
        K of the invitations sent each week (shaded: 95% interval); the latest week is still under way. Dashed green line: the healthy
        target of {K_HEALTHY.toFixed(1)}.
      </figcaption>
      <details className="chart-table">
        <summary>Show the figures</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Week of</th>
              <th scope="col">Inviters</th>
              <th scope="col">K</th>
              <th scope="col">95% interval</th>
              <th scope="col">Acceptance rate</th>
            </tr>
          </thead>
          <tbody>
            {trend.map((slice, i) => (
              <tr key={slice.key} data-key={slice.key}>
                <th scope="row">{series.labels[i]}</th>
                {slice.suppressed ? (
                  <td colSpan={4} className="suppressed">
                    {SUPPRESSED_LABEL}
                  </td>
                ) : (
                  <>
                    <td>{formatCount(slice.inviters)}</td>
                    <td>{formatK(slice.k)}</td>
                    <td>{formatInterval(slice.kLow, slice.kHigh)}</td>
                    <td>{formatPercent(slice.acceptanceRate)}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
