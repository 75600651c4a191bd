import { useState } from 'react';
import { combineLatest, map } from 'rxjs';
import { errorText } from '../../shared/errors';
import { relationshipLabel } from '../../shared/invitation';
import type { LocalInvitation, LocalViralEvent, Refusal } from '../db/schemas';
import { useObservable } from '../db/useQuery';
import type { UserSync } from '../sync/userSync';
import { canTransition } from '../../shared/invitation';
import { cancelInvitation, discardInvitation, retryInvitation } from './create';
import { InPersonCode } from './InPersonCode';

interface Row {
  invitation: LocalInvitation;
  refusal: Refusal | null;
  /** Why the message could not be delivered, when the latest delivery event says so. */
  deliveryProblem: string | null;
}

const deliveryEvents = ['invitation.sent', 'invitation.delivered', 'invitation.delivery_failed'];

/** The latest delivery event's reason per invitation, when that event is a failure. */
function deliveryProblems(events: LocalViralEvent[]): Map<string, string> {
  const latest = new Map<string, LocalViralEvent>();
  for (const e of events) {
    const seen = e.invitationId ? latest.get(e.invitationId) : undefined;
    if (e.invitationId && (!seen || seen.rev < e.rev)) latest.set(e.invitationId, e);
  }
  const out = new Map<string, string>();
  for (const [id, e] of latest) if (e.type === 'invitation.delivery_failed') out.set(id, String(e.data.reason ?? 'the message could not be delivered'));
  return out;
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
        sync.db.viral_events.find({ selector: { inviterId: sync.user.id, type: { $in: deliveryEvents } } }).$,
      ]).pipe(
        map(([docs, refusals, events]) => {
          const byId = new Map(refusals.map((r) => [r.id, r.toJSON() as Refusal]));
          const problems = deliveryProblems(events.map((e) => e.toJSON() as LocalViralEvent));
          return docs.map((d) => {
            const invitation = d.toJSON() as LocalInvitation;
            const refusal = byId.get(invitation.id);
            // A write waiting for a rate limit's next allowance is still queued, not refused (SPEC LIM1).
            return { invitation, refusal: refusal && !refusal.retryAt ? refusal : null, deliveryProblem: problems.get(invitation.id) ?? null };
          });
        }),
      ),
    [sync],
    [],
  );
  const [inPerson, setInPerson] = useState<string | null>(null);

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
          {!row.refusal && (row.invitation.inviteCode || row.invitation.shortCode) && ['queued', 'sent', 'delivered', 'opened'].includes(row.invitation.status) && (
            <button type="button" data-testid="show-in-person" aria-expanded={inPerson === row.invitation.id} onClick={() => setInPerson(inPerson === row.invitation.id ? null : row.invitation.id)}>
              {inPerson === row.invitation.id ? 'Hide code' : 'Show QR & code'}
            </button>
          )}
          {inPerson === row.invitation.id && <InPersonCode inviteCode={row.invitation.inviteCode} shortCode={row.invitation.shortCode} />}
          {row.deliveryProblem && (
            <div className="delivery-problem" role="status" data-testid="delivery-problem">
              Not delivered: {row.deliveryProblem}
            </div>
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
