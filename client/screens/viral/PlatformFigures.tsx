import type { PlatformData } from '../../../shared/analytics/snapshots';
import { BreakdownTable } from './BreakdownTable';
import { FunnelChart } from './FunnelChart';
import { lazy, Suspense } from 'react';
import { SUPPRESSED_TEXT } from './CoefficientCard';

// The chart library loads with the chart, not with the first paint (the service worker precaches it for offline).
const TrendChart = lazy(() => import('./TrendChart').then((m) => ({ default: m.TrendChart })));

/** The platform snapshot in detail: K week by week, the invitation funnel, and who brings people in. */
export function PlatformFigures({ data }: { data: PlatformData }) {
  const span = `last ${data.windowDays} days`;
  return (
    <>
      <section className="card" aria-labelledby="trend-title">
        <h2 id="trend-title">K week by week</h2>
        <Suspense fallback={<p className="loading">Drawing the chart…</p>}>
          <TrendChart trend={data.trend} />
        </Suspense>
      </section>
      <section className="card" aria-labelledby="funnel-title">
        <h2 id="funnel-title">From sent to accepted ({span})</h2>
        {data.funnel ? <FunnelChart funnel={data.funnel} cycleDays={data.cycleDays} cycleSuppressed={data.cycleSuppressed} /> : <p className="muted">{SUPPRESSED_TEXT}</p>}
      </section>
      <section className="card" aria-labelledby="breakdowns-title">
        <h2 id="breakdowns-title">Who brings people in ({span})</h2>
        <BreakdownTable id="actor" title="By who invites" dimension="Inviter" rows={data.breakdowns.actor} />
        <BreakdownTable id="channel" title="By channel" dimension="Channel" rows={data.breakdowns.channel} />
        <BreakdownTable id="variant" title="By message variant" dimension="Variant" rows={data.breakdowns.variant} />
        <p className="muted small">Rows with fewer than 5 inviters are hidden to protect people's privacy.</p>
      </section>
    </>
  );
}
