import { lazy, Suspense, useEffect } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { isAdmin } from '../shared/roles';
import { refreshSession, useSession } from './auth/session';
import { UpdatePrompt } from './pwa/UpdatePrompt';
import { LoginScreen } from './screens/login/LoginScreen';
import { ViralDashboard } from './screens/viral/ViralDashboard';
import { Header } from './shell/Header';
import { UserSyncProvider } from './shell/UserSyncContext';
import { useUserSync } from './sync/userSync';

const HOME = '/dashboard/viral';

// Screens other than the home load on first visit (precached by the service worker for offline use).
const ReferralTracker = lazy(() => import('./screens/attribution/ReferralTracker').then((m) => ({ default: m.ReferralTracker })));
const MarketingScreen = lazy(() => import('./screens/marketing/MarketingScreen').then((m) => ({ default: m.MarketingScreen })));
const ExperimentsScreen = lazy(() => import('./screens/experiments/ExperimentsScreen').then((m) => ({ default: m.ExperimentsScreen })));
const IntegrationsScreen = lazy(() => import('./screens/integrations/IntegrationsScreen').then((m) => ({ default: m.IntegrationsScreen })));

const AlertsScreen = lazy(() => import('./screens/alerts/AlertsScreen').then((m) => ({ default: m.AlertsScreen })));
const AccountScreen = lazy(() => import('./screens/account/AccountScreen').then((m) => ({ default: m.AccountScreen })));
const FraudScreen = lazy(() => import('./screens/fraud/FraudScreen').then((m) => ({ default: m.FraudScreen })));
const DeliveryScreen = lazy(() => import('./screens/delivery/DeliveryScreen').then((m) => ({ default: m.DeliveryScreen })));
// The couple's pages: no account needed to open them.
const InvitePage = lazy(() => import('./invite/InvitePage').then((m) => ({ default: m.InvitePage })));
const JoinPage = lazy(() => import('./invite/JoinPage').then((m) => ({ default: m.JoinPage })));

function SignedIn() {
  const user = useSession();
  const location = useLocation();
  const sync = useUserSync(user);
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  if (!sync) return <p className="loading">Opening your data…</p>;
  const owner = isAdmin(sync.user.role);
  return (
    <UserSyncProvider sync={sync}>
      <Header sync={sync} />
      <Suspense fallback={<p className="loading">Opening…</p>}>
        <Routes>
          <Route path={HOME} element={<ViralDashboard sync={sync} />} />
          <Route path="/dashboard/attribution" element={<ReferralTracker />} />
          <Route path="/account" element={<AccountScreen />} />
          <Route path="/admin/marketing" element={owner ? <MarketingScreen /> : <Navigate to={HOME} replace />} />
          <Route path="/admin/experiments" element={owner ? <ExperimentsScreen /> : <Navigate to={HOME} replace />} />
          <Route path="/admin/integrations" element={owner ? <IntegrationsScreen /> : <Navigate to={HOME} replace />} />
          <Route path="/admin/delivery" element={owner ? <DeliveryScreen /> : <Navigate to={HOME} replace />} />
          <Route path="/admin/fraud" element={owner ? <FraudScreen /> : <Navigate to={HOME} replace />} />
          <Route path="/admin/alerts" element={owner ? <AlertsScreen /> : <Navigate to={HOME} replace />} />
          <Route path="*" element={<Navigate to={HOME} replace />} />
        </Routes>
      </Suspense>
    </UserSyncProvider>
  );
}

export function App() {
  useEffect(() => {
    void refreshSession();
  }, []);
  return (
    <BrowserRouter>
      <UpdatePrompt />
      <Routes>
        <Route path="/login" element={<LoginScreen />} />
        <Route path="/invite/:code" element={<Suspense fallback={<p className="loading">Opening…</p>}><InvitePage /></Suspense>} />
        <Route path="/join" element={<Suspense fallback={<p className="loading">Opening…</p>}><JoinPage /></Suspense>} />
        <Route path="/*" element={<SignedIn />} />
      </Routes>
    </BrowserRouter>
  );
}
