import type { PlatformData } from '../../../shared/analytics/snapshots';
import { K_HEALTHY } from '../../../shared/viral';
import { AsOfNote } from './AsOfNote';
import { formatCount, formatInterval, formatK, formatPercent, statusWord } from './format';
import { NoFigures } from './NoFigures';
import type { SnapshotState } from './useSnapshot';

/** Shown instead of figures over fewer than 5 inviters (DESIGN §6). */
export const SUPPRESSED_TEXT = 'Fewer than 5 people invited in this window: the figures are hidden to protect their privacy.';

/**
 * The platform's viral coefficient K for the chosen window, coloured by health, with what it
 * is made of (invitations per inviter × acceptance rate), how sure it is, and how fresh.
 */
export function CoefficientCard({ snapshot, windowDays, owner }: { snapshot: SnapshotState<'platform'>; windowDays: number; owner: boolean }) {
  if (snapshot.status !== 'ready') {
    return (
      <section className="card k-card" aria-labelledby="k-title">
        <h2 id="k-title">Viral coefficient (last {windowDays} days)</h2>
        <NoFigures loading={snapshot.status === 'loading'} />
      </section>
    );
  }
  const d: PlatformData = snapshot.data;
  if (d.suppressed || d.k === null || d.status === null) {
    return (
      <section className="card k-card" aria-labelledby="k-title" data-status="suppressed">
        <h2 id="k-title">Viral coefficient (last {d.windowDays} days)</h2>
        <p className="k-value">
          <span data-testid="viral-coefficient">–</span>
        </p>
        <p className="muted" data-testid="k-suppressed">
          {SUPPRESSED_TEXT}
        </p>
        <AsOfNote computedAt={snapshot.computedAt} />
      </section>
    );
  }
  return (
    <section className={`card k-card k-${d.status}`} aria-labelledby="k-title" data-status={d.status}>
      <h2 id="k-title">Viral coefficient (last {d.windowDays} days)</h2>
      <p className="k-value">
        <span data-testid="viral-coefficient">{formatK(d.k)}</span>
        <span className="k-status" data-testid="k-status">
          {statusWord[d.status]}
        </span>
        <span className="muted">target {K_HEALTHY.toFixed(1)}</span>
      </p>
      <p className="k-parts" data-testid="k-parts">
        {(d.invitesPerInviter ?? 0).toFixed(2)} invitations per inviter × {formatPercent(d.acceptanceRate ?? 0)} accepted
      </p>
      <p className="muted">
        Each person who invites brings in about {formatK(d.k)} new people; above {K_HEALTHY.toFixed(1)} the network grows by itself.
      </p>
      <dl className="figures">
        <div>
          <dt>95% interval</dt>
          <dd data-testid="k-interval">{formatInterval(d.kLow, d.kHigh)}</dd>
        </div>
        <div>
          <dt>Inviters</dt>
          <dd data-testid="inviters">{formatCount(d.inviters)}</dd>
        </div>
        <div>
          <dt>Invitations sent</dt>
          <dd data-testid="invitations-sent">{formatCount(d.sent)}</dd>
        </div>
        <div>
          <dt>Accepted</dt>
          <dd data-testid="invitations-accepted">{formatCount(d.accepted)}</dd>
        </div>
      </dl>
      {owner && d.excludedAsFraud > 0 && (
        <p className="muted" data-testid="excluded-as-fraud">
          {formatCount(d.excludedAsFraud)} acceptances left out of K as suspected fraud.
        </p>
      )}
      <AsOfNote computedAt={snapshot.computedAt} />
    </section>
  );
}
