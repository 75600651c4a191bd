import { useState } from 'react';
import { Link, NavLink, useNavigate } from 'react-router';
import { canInvite, isAdmin } from '../../shared/roles';
import { signOut } from '../auth/session';
import { InviteForm } from '../invitations/InviteForm';
import { IntegrationsNavLink } from '../screens/integrations/IntegrationsNavLink';
import { stopUserSync, useSyncStatus, type UserSync } from '../sync/userSync';
import { ExperimentsNavLink } from './ExperimentsNavLink';
import { SyncIndicator } from './SyncIndicator';

export function Header({ sync }: { sync: UserSync }) {
  const status = useSyncStatus(sync);
  const [quick, setQuick] = useState(false);
  const navigate = useNavigate();
  const { user } = sync;

  async function logout() {
    await stopUserSync(user.id);
    await signOut();
    navigate('/login');
  }

  return (
    <header className="app-header">
      <div className="bar">
        <Link to="/dashboard/viral" className="brand">
          PlusOne
        </Link>
        <nav className="main-nav" aria-label="Main">
          <NavLink to="/dashboard/viral" end>
            Dashboard
          </NavLink>
          <NavLink to="/dashboard/attribution">Referrals</NavLink>
          {isAdmin(user.role) && <NavLink to="/admin/marketing">Marketing</NavLink>}
          {isAdmin(user.role) && <ExperimentsNavLink />}
          {isAdmin(user.role) && <NavLink to="/admin/delivery">Delivery</NavLink>}
          {isAdmin(user.role) && <NavLink to="/admin/fraud">Fraud</NavLink>}
          {isAdmin(user.role) && <IntegrationsNavLink />}
          {isAdmin(user.role) && <NavLink to="/admin/alerts" data-testid="nav-alerts">Alerts</NavLink>}
        </nav>
        <SyncIndicator status={status} />
        <div className="actions">
          {canInvite(user.role) && (
            <button type="button" className="primary" data-testid="invite-offline" aria-expanded={quick} onClick={() => setQuick((v) => !v)}>
              + Quick invite
            </button>
          )}
          <NavLink to="/account" className="who muted" title={`${user.email}: your account and data`} data-testid="account-link">
            {user.name}
            {user.orgName ? ` · ${user.orgName}` : ''}
          </NavLink>
          <button type="button" onClick={() => void logout()}>
            Sign out
          </button>
        </div>
      </div>
      {quick && (
        <div className="quick-invite">
          <InviteForm sync={sync} compact ids={{ email: 'offline-recipient', submit: 'send-offline-invitation' }} onSent={() => setQuick(false)} />
        </div>
      )}
    </header>
  );
}
