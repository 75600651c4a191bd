import { waitingMessage } from '../../shared/limits';
import { phaseOf, type SyncStatus } from '../sync/status';

/**
 * The header's sync state, visible on every screen (DESIGN §8 texts kept exactly). Invitations
 * held back by a rate limit are not refusals: the header says how many wait and for which
 * allowance (SPEC LIM1), and they go by themselves.
 */
export function SyncIndicator({ status }: { status: SyncStatus }) {
  const phase = phaseOf(status);
  const { waiting } = status;
  return (
    <div className="sync-indicator" data-testid="sync-indicator" data-phase={phase} role="status" aria-live="polite">
      {status.connection === 'offline' && <span className="badge offline">Offline Mode</span>}
      {status.pending > 0 && (
        <span className="badge queued">
          Invitation queued for sync <span data-testid="sync-pending">({status.pending} pending)</span>
        </span>
      )}
      {status.refused > 0 && (
        <span className="badge refused" data-testid="sync-refused">
          {status.refused} refused
        </span>
      )}
      {waiting && (
        <span className="badge waiting" data-testid="sync-waiting" data-count={waiting.count} data-retry-at={waiting.retryAt}>
          {waitingMessage(waiting.count, new Date(waiting.refusedAt), new Date(waiting.retryAt), new Date())}
        </span>
      )}
      {phase === 'syncing' && <span className="badge syncing">Syncing…</span>}
      {phase === 'complete' && <span className="badge complete">Sync complete</span>}
    </div>
  );
}
