import { useEffect, useState } from 'react';
import { NavLink } from 'react-router';
import { listNotices } from './integrationsApi';

/** How often the header looks for newly disabled endpoints. */
const NOTICES_EVERY_MS = 60_000;

/** The owner's header link to /admin/integrations, with the number of disabled endpoints (the notice) when there are any. */
export function IntegrationsNavLink() {
  const [count, setCount] = useState(0);
  useEffect(() => {
    let current = true;
    const look = () => listNotices().then((n) => current && setCount(n.length), () => undefined);
    void look();
    const timer = setInterval(look, NOTICES_EVERY_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, []);
  return (
    <NavLink to="/admin/integrations" data-testid="nav-integrations">
      Integrations
      {count > 0 && (
        <span className="badge nav-count" data-testid="integrations-notice-count" title={`${count} webhook endpoint${count === 1 ? '' : 's'} disabled`}>
          {count}
        </span>
      )}
    </NavLink>
  );
}
