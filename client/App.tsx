import { useEffect } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { refreshSession, useSession } from './auth/session';
import { UpdatePrompt } from './pwa/UpdatePrompt';
import { LoginScreen } from './screens/login/LoginScreen';
import { ViralDashboard } from './screens/viral/ViralDashboard';
import { Header } from './shell/Header';
import { useUserSync } from './sync/userSync';

function SignedIn() {
  const user = useSession();
  const location = useLocation();
  const sync = useUserSync(user);
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  if (!sync) return <p className="loading">Opening your data…</p>;
  return (
    <>
      <Header sync={sync} />
      <Routes>
        <Route path="/dashboard/viral" element={<ViralDashboard sync={sync} />} />
        <Route path="*" element={<Navigate to="/dashboard/viral" replace />} />
      </Routes>
    </>
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
        <Route path="/*" element={<SignedIn />} />
      </Routes>
    </BrowserRouter>
  );
}
