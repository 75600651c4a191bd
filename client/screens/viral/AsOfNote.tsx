import { useEffect, useState } from 'react';
import { useCurrentSync } from '../../shell/UserSyncContext';
import { useSyncStatus } from '../../sync/userSync';
import { asOf } from './format';

/** The current time, re-read every `everyMs` (so an age like "12 minutes ago" keeps up). */
function useNow(everyMs: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** `As of 14:05`, with what its age means: unchanged since (online), or how old the figures are (offline). */
export function AsOfNote({ computedAt }: { computedAt: string }) {
  const status = useSyncStatus(useCurrentSync());
  const now = useNow(30_000);
  const { text, stale } = asOf(computedAt, now, status.connection);
  return (
    <p className={stale ? 'as-of stale' : 'as-of muted'} data-testid="as-of" data-stale={stale}>
      <time dateTime={computedAt}>{text}</time>
    </p>
  );
}
