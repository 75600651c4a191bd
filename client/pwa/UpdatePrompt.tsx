/**
 * Registers the service worker (built by vite-plugin-pwa) through workbox-window and offers the
 * update when a new version is waiting: the user chooses when to reload, so a half-filled form
 * is never lost to an automatic refresh.
 */
import { useEffect, useState } from 'react';
import { Workbox } from 'workbox-window';

let workbox: Workbox | null = null;

export function UpdatePrompt() {
  const [waiting, setWaiting] = useState(false);

  useEffect(() => {
    if (!import.meta.env.PROD || !('serviceWorker' in navigator) || workbox) return;
    workbox = new Workbox('/sw.js', { scope: '/' });
    workbox.addEventListener('waiting', () => setWaiting(true));
    workbox.addEventListener('controlling', () => window.location.reload());
    void workbox.register();
  }, []);

  if (!waiting) return null;
  return (
    <div className="update-prompt" role="alert" data-testid="update-available">
      <span>A new version of PlusOne is available.</span>
      <button type="button" className="primary" onClick={() => workbox?.messageSkipWaiting()}>
        Update now
      </button>
      <button type="button" onClick={() => setWaiting(false)}>
        Later
      </button>
    </div>
  );
}
