import { combineLatest, map } from 'rxjs';
import { errorText } from '../../shared/errors';
import { relationshipLabel } from '../../shared/invitation';
import type { LocalInvitation, Refusal } from '../db/schemas';
import { useObservable } from '../db/useQuery';
import type { UserSync } from '../sync/userSync';
import { discardInvitation, retryInvitation } from './create';

interface Row {
  invitation: LocalInvitation;
  refusal: Refusal | null;
}

function syncLabel(row: Row): string {
  if (row.refusal) return 'Refused';
  return row.invitation.syncState === 'pending' ? 'Waiting to sync' : 'Synced';
}

export function InvitationList({ sync, limit = 50 }: { sync: UserSync; limit?: number }) {
  const rows = useObservable<Row[]>(
    () =>
      combineLatest([
        sync.db.invitations.find({ sort: [{ capturedAt: 'desc' }], limit }).$,
        sync.db.refusals.find().$,
      ]).pipe(
        map(([docs, refusals]) => {
          const byId = new Map(refusals.map((r) => [r.id, r.toJSON() as Refusal]));
          return docs.map((d) => {
            const invitation = d.toJSON() as LocalInvitation;
            const refusal = byId.get(invitation.id);
            return { invitation, refusal: refusal && refusal.writeId === invitation.writeId ? refusal : null };
          });
        }),
      ),
    [sync],
    [],
  );

  if (rows.length === 0) return <p className="muted">No invitations yet. Invite a past client to get started.</p>;
  return (
    <ul className="invitation-list" data-testid="invitation-list">
      {rows.map((row) => (
        <li key={row.invitation.id} data-testid="invitation-row" data-status={row.invitation.status} data-sync={row.refusal ? 'refused' : row.invitation.syncState}>
          <div className="who">
            <strong>{row.invitation.recipientName || row.invitation.recipientEmail}</strong>
            <span className="muted">
              {row.invitation.recipientEmail} · {relationshipLabel[row.invitation.relationship]} · {new Date(row.invitation.capturedAt).toLocaleDateString()}
            </span>
          </div>
          <span className={`badge status-${row.invitation.status}`}>{row.invitation.status}</span>
          <span className={`badge sync-${row.refusal ? 'refused' : row.invitation.syncState}`}>{syncLabel(row)}</span>
          {row.refusal && (
            <div className="refusal" role="alert">
              <span>{row.refusal.message || errorText[row.refusal.code]}</span>
              <button type="button" onClick={() => void retryInvitation(sync.db, row.invitation.id)}>
                Retry
              </button>
              <button type="button" onClick={() => void discardInvitation(sync.db, row.invitation.id)}>
                Discard
              </button>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
