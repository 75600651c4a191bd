import { K_HEALTHY } from '../../../shared/viral';
import type { LocalMetrics } from '../../db/schemas';

const statusWord = { healthy: 'Healthy', warning: 'Warning', critical: 'Critical' } as const;

export function CoefficientCard({ metrics }: { metrics: LocalMetrics | null }) {
  if (!metrics) {
    return (
      <section className="card k-card" aria-busy="true">
        <h2>Viral coefficient</h2>
        <p className="muted">Loading the latest figures…</p>
      </section>
    );
  }
  const asOf = new Date(metrics.computedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return (
    <section className={`card k-card k-${metrics.status}`}>
      <h2>Viral coefficient (last {metrics.windowDays} days)</h2>
      <p className="k-value">
        <span data-testid="viral-coefficient">{metrics.k.toFixed(2)}</span>
        <span className="k-status">{statusWord[metrics.status]}</span>
      </p>
      <p className="muted">
        Target {K_HEALTHY.toFixed(1)} · {metrics.invitesPerInviter.toFixed(2)} invitations per inviter × {(metrics.acceptanceRate * 100).toFixed(1)}% accepted
      </p>
      <dl className="figures">
        <div>
          <dt>Invitations sent</dt>
          <dd data-testid="invitations-sent">{metrics.sent}</dd>
        </div>
        <div>
          <dt>Accepted</dt>
          <dd data-testid="invitations-accepted">{metrics.accepted}</dd>
        </div>
        <div>
          <dt>Inviters</dt>
          <dd data-testid="inviters">{metrics.inviters}</dd>
        </div>
      </dl>
      <p className="muted as-of">As of {asOf}</p>
    </section>
  );
}
