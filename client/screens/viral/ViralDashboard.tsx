/**
 * `/dashboard/viral`, every signed-in user's home: the platform's K for a window with its
 * trend, funnel and breakdowns; a supplier's own super-connector standing; the owner's
 * leaderboard; and, for those who may invite, their invitations. Everything reads the cached
 * snapshots, so it all shows offline. While it is on screen its socket watches the dashboard, so
 * K moves with every update (other screens hear it at most every METRICS_EVERYONE_MS).
 */
import { useEffect, useState } from 'react';
import { snapshotIds } from '../../../shared/analytics/snapshots';
import { canInvite, isAdmin } from '../../../shared/roles';
import { DEFAULT_WINDOW_DAYS, windowChoices } from '../../../shared/viral';
import { ForYouList } from '../../invitations/ForYouList';
import { InvitationList } from '../../invitations/InvitationList';
import { InviteForm } from '../../invitations/InviteForm';
import { watchDashboard } from '../../sync/socket';
import type { UserSync } from '../../sync/userSync';
import { CoefficientCard } from './CoefficientCard';
import { ConnectorLeaderboard } from './ConnectorLeaderboard';
import { ConnectorStanding } from './ConnectorStanding';
import { PlatformFigures } from './PlatformFigures';
import { useSnapshot } from './useSnapshot';

export function ViralDashboard({ sync }: { sync: UserSync }) {
  const [windowDays, setWindowDays] = useState<number>(DEFAULT_WINDOW_DAYS);
  const [inviting, setInviting] = useState(false);
  const platform = useSnapshot('platform', snapshotIds.platform(windowDays));
  const { user } = sync;
  const mayInvite = canInvite(user.role);
  const owner = isAdmin(user.role);
  // Each time the server starts sending every update, pull what the throttle may still hold.
  useEffect(() => watchDashboard(sync.socket, () => sync.replications.metrics.reSync()), [sync]);

  return (
    <main className="dashboard">
      <h1 className="visually-hidden">Viral growth</h1>
      {user.role === 'supplier' && <ConnectorStanding userId={user.id} />}
      <div className="window-choice" role="group" aria-label="Window">
        <span className="muted">Show the last</span>
        {windowChoices.map((d) => (
          <button key={d} type="button" aria-pressed={d === windowDays} onClick={() => setWindowDays(d)}>
            {d} days
          </button>
        ))}
      </div>
      <CoefficientCard snapshot={platform} windowDays={windowDays} owner={owner} />
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
      {platform.status === 'ready' && <PlatformFigures data={platform.data} />}
      {owner && <ConnectorLeaderboard />}
    </main>
  );
}
