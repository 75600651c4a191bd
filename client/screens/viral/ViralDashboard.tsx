import { useState } from 'react';
import { map } from 'rxjs';
import { platformMetricsId } from '../../../shared/metrics';
import { canInvite } from '../../../shared/roles';
import { DEFAULT_WINDOW_DAYS, windowChoices } from '../../../shared/viral';
import type { LocalMetrics } from '../../db/schemas';
import { useObservable } from '../../db/useQuery';
import { ForYouList } from '../../invitations/ForYouList';
import { InvitationList } from '../../invitations/InvitationList';
import { InviteForm } from '../../invitations/InviteForm';
import type { UserSync } from '../../sync/userSync';
import { CoefficientCard } from './CoefficientCard';

export function ViralDashboard({ sync }: { sync: UserSync }) {
  const [windowDays, setWindowDays] = useState<number>(DEFAULT_WINDOW_DAYS);
  const [inviting, setInviting] = useState(false);
  const metrics = useObservable<LocalMetrics | null>(
    () => sync.db.metrics.findOne(platformMetricsId(windowDays)).$.pipe(map((d) => (d ? (d.toJSON() as LocalMetrics) : null))),
    [sync, windowDays],
    null,
  );
  const mayInvite = canInvite(sync.user.role);

  return (
    <main className="dashboard">
      <div className="window-choice" role="group" aria-label="Window">
        {windowChoices.map((d) => (
          <button key={d} type="button" aria-pressed={d === windowDays} onClick={() => setWindowDays(d)}>
            {d} days
          </button>
        ))}
      </div>
      <CoefficientCard metrics={metrics} />
      <ForYouList sync={sync} />
      {mayInvite && (
        <section className="card">
          <div className="section-head">
            <h2>Your invitations</h2>
            <button type="button" className="primary" data-testid="invite-past-clients" onClick={() => setInviting((v) => !v)} aria-expanded={inviting}>
              Invite
            </button>
          </div>
          {inviting && (
            <InviteForm
              sync={sync}
              ids={{ email: 'recipient-email', relationship: 'relationship', submit: 'send-invitation' }}
              onSent={() => setInviting(false)}
            />
          )}
          <InvitationList sync={sync} />
        </section>
      )}
    </main>
  );
}
