/**
 * Registers the service worker (built by vite-plugin-pwa) through workbox-window and offers the
 * update when a new version is waiting: the user chooses when to reload, so a half-filled form
 * is never lost to an automatic refresh.
 */
import { useEffect, useState } from 'react';
import { Workbox } from 'workbox-window';
import { OUTDATED_EVENT } from '../api';

let workbox: Workbox | null = null;

export function UpdatePrompt() {
  const [waiting, setWaiting] = useState(false);
  const [outdated, setOutdated] = useState(false);

  useEffect(() => {
    // The server no longer speaks this version's protocol (VER2): look for the new version now.
    const onOutdated = () => {
      setOutdated(true);
      void workbox?.update();
    };
    window.addEventListener(OUTDATED_EVENT, onOutdated);
    return () => window.removeEventListener(OUTDATED_EVENT, onOutdated);
  }, []);

  useEffect(() => {
    if (!import.meta.env.PROD || !('serviceWorker' in navigator) || workbox) return;
    workbox = new Workbox('/sw.js', { scope: '/' });
    workbox.addEventListener('waiting', () => setWaiting(true));
    workbox.addEventListener('controlling', () => window.location.reload());
    void workbox.register();
  }, []);

  if (outdated && !waiting) {
    return (
      <div className="update-prompt" role="alert" data-testid="app-outdated">
        <span>This app is out of date: please update. Your offline work is kept.</span>
        <button type="button" className="primary" onClick={() => window.location.reload()}>
          Update
        </button>
      </div>
    );
  }
  if (!waiting) return null;
  return (
    <div className="update-prompt" role="alert" data-testid="update-available">
      <span>{outdated ? 'This app is out of date: a new version is ready.' : 'A new version of PlusOne is available.'}</span>
      <button type="button" className="primary" onClick={() => workbox?.messageSkipWaiting()}>
        Update now
      </button>
      <button type="button" onClick={() => setWaiting(false)}>
        Later
      </button>
    </div>
  );
}
