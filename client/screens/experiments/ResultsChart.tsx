/**
 * Acceptance rate per variant as a point with its 95% credible interval as a whisker (uPlot on
 * a canvas, the whiskers drawn in a draw hook). The same figures are in the results table.
 */
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { VariantResult } from '../../../shared/experiments/config';
import { formatPercent } from '../viral/format';
import { percentInterval } from './ResultsTable';

const HEIGHT = 220;
const PLUM = '#7a2e4d';
const MUTED = '#6b6266';

function options(names: string[], low: number[], high: number[], width: number): uPlot.Options {
  const top = Math.min(1, Math.max(0.05, ...high) * 1.15);
  return {
    width,
    height: HEIGHT,
    scales: { x: { time: false, range: [-0.5, names.length - 0.5] }, y: { range: [0, top] } },
    axes: [
      { stroke: MUTED, grid: { show: false }, incrs: [1], values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? (names[v] ?? '') : '')) },
      { stroke: MUTED, size: 50, grid: { stroke: '#eee6e9' }, values: (_u, splits) => splits.map((v) => `${(v * 100).toFixed(0)}%`) },
    ],
    series: [
      { label: 'Variant', value: (_u, v) => (v === null ? '—' : (names[v] ?? '')) },
      { label: 'Acceptance rate', stroke: PLUM, width: 0, paths: () => null, points: { show: true, size: 10, fill: PLUM }, value: (_u, v) => formatPercent(v) },
    ],
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    hooks: {
      draw: [
        (u) => {
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = PLUM;
          ctx.lineWidth = 2 * devicePixelRatio;
          const cap = 8 * devicePixelRatio;
          names.forEach((_n, i) => {
            const x = u.valToPos(i, 'x', true);
            const y0 = u.valToPos(low[i]!, 'y', true);
            const y1 = u.valToPos(high[i]!, 'y', true);
            ctx.beginPath();
            ctx.moveTo(x, y0);
            ctx.lineTo(x, y1);
            ctx.moveTo(x - cap, y0);
            ctx.lineTo(x + cap, y0);
            ctx.moveTo(x - cap, y1);
            ctx.lineTo(x + cap, y1);
            ctx.stroke();
          });
          ctx.restore();
        },
      ],
    },
  };
}

export function ResultsChart({ variants: all }: { variants: readonly VariantResult[] }) {
  const host = useRef<HTMLDivElement>(null);
  // Variants under 5 inviters have no figures (privacy): they are left out of the chart.
  const variants = all.filter((v): v is VariantResult & { rate: number; rateLow: number; rateHigh: number } => v.rate !== null && v.rateLow !== null && v.rateHigh !== null);
  const key = JSON.stringify(variants.map((v) => [v.name, v.rate, v.rateLow, v.rateHigh]));
  const data = useMemo(
    () => ({ names: variants.map((v) => v.name), rate: variants.map((v) => v.rate), low: variants.map((v) => v.rateLow), high: variants.map((v) => v.rateHigh) }),
    [key],
  );

  useEffect(() => {
    const el = host.current;
    if (!el || data.names.length === 0) return;
    const width = () => Math.max(240, Math.floor(el.clientWidth));
    const plot = new uPlot(options(data.names, data.low, data.high, width()), [data.names.map((_n, i) => i), data.rate], el);
    const resize = new ResizeObserver(() => {
      if (plot.width !== width()) plot.setSize({ width: width(), height: HEIGHT });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [data]);

  const label = variants.map((v) => `${v.name}: ${formatPercent(v.rate)} (95% ${percentInterval(v.rateLow, v.rateHigh)})`).join('; ');
  return (
    <figure className="chart" data-testid="experiment-chart">
      <div ref={host} className="chart-canvas" role="img" aria-label={`Acceptance rate by variant: ${label}`} />
      <figcaption className="muted">Acceptance rate of each variant (point) and its 95% credible interval (whiskers).</figcaption>
    </figure>
  );
}
