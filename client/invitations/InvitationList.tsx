import { combineLatest, map } from 'rxjs';
import { errorText } from '../../shared/errors';
import { relationshipLabel } from '../../shared/invitation';
import type { LocalInvitation, Refusal } from '../db/schemas';
import { useObservable } from '../db/useQuery';
import type { UserSync } from '../sync/userSync';
import { canTransition } from '../../shared/invitation';
import { cancelInvitation, discardInvitation, retryInvitation } from './create';

interface Row {
  invitation: LocalInvitation;
  refusal: Refusal | null;
}

/** When it counts, and by whose clock (SPEC TIME1). */
function countedLabel(inv: LocalInvitation): string {
  const when = new Date(inv.countedAt || inv.capturedAt).toLocaleDateString();
  if (inv.timeSource === 'server') return `${when} (server time: this device's clock looked wrong)`;
  if (inv.timeSource === 'device' && inv.createdAt && inv.createdAt.slice(0, 10) !== inv.countedAt.slice(0, 10)) {
    return `${when} (made offline, synced ${new Date(inv.createdAt).toLocaleDateString()})`;
  }
  return when;
}

function syncLabel(row: Row): string {
  if (row.refusal) return 'Refused';
  return row.invitation.syncState === 'pending' ? 'Waiting to sync' : 'Synced';
}

export function InvitationList({ sync, limit = 50 }: { sync: UserSync; limit?: number }) {
  const rows = useObservable<Row[]>(
    () =>
      combineLatest([
        sync.db.invitations.find({ selector: { inviterId: sync.user.id }, sort: [{ capturedAt: 'desc' }], limit }).$,
        sync.db.refusals.find().$,
      ]).pipe(
        map(([docs, refusals]) => {
          const byId = new Map(refusals.map((r) => [r.id, r.toJSON() as Refusal]));
          return docs.map((d) => {
            const invitation = d.toJSON() as LocalInvitation;
            const refusal = byId.get(invitation.id);
            return { invitation, refusal: refusal ?? null };
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
        <li key={row.invitation.id} data-testid="invitation-row" data-invitation-id={row.invitation.id} data-status={row.invitation.status} data-sync={row.refusal ? 'refused' : row.invitation.syncState}>
          <div className="who">
            <strong>{row.invitation.recipientName || row.invitation.recipientEmail}</strong>
            <span className="muted">
              {row.invitation.recipientEmail} · {relationshipLabel[row.invitation.relationship]} · {countedLabel(row.invitation)}
            </span>
            <span className="muted" data-testid="invitation-variant">Template variant: {row.invitation.variant}</span>
          </div>
          <span className={`badge status-${row.invitation.status}`}>{row.invitation.status}</span>
          <span className={`badge sync-${row.refusal ? 'refused' : row.invitation.syncState}`}>{syncLabel(row)}</span>
          {!row.refusal && canTransition(row.invitation.status, 'cancelled') && row.invitation.status !== 'cancelled' && (
            <button type="button" data-testid="cancel-invitation" onClick={() => void cancelInvitation(sync.db, row.invitation.id)}>
              Cancel
            </button>
          )}
          {row.refusal && (
            <div className="refusal" role="alert">
              <span>{row.refusal.message || errorText[row.refusal.code]}</span>
              <button type="button" data-testid="retry-invitation" onClick={() => void retryInvitation(sync.db, row.invitation.id)}>
                Retry
              </button>
              <button type="button" data-testid="discard-invitation" onClick={() => void discardInvitation(sync.db, row.invitation.id)}>
                Discard
              </button>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
