import { combineLatest, map } from 'rxjs';
import type { LocalInvitation, OutboxEvent, Refusal } from '../db/schemas';
import { useObservable } from '../db/useQuery';
import { deviceId } from '../auth/session';
import { newOutboxEvent } from '../sync/queue';
import type { UserSync } from '../sync/userSync';

interface Row {
  invitation: LocalInvitation;
  queued: OutboxEvent | null;
  refusal: Refusal | null;
}

/** Invitations addressed to the signed-in person, to accept (offline too: the answer is queued). */
export function ForYouList({ sync }: { sync: UserSync }) {
  const email = sync.user.email.toLowerCase();
  const rows = useObservable<Row[]>(
    () =>
      combineLatest([
        sync.db.invitations.find({ selector: { recipientEmail: email }, sort: [{ capturedAt: 'desc' }] }).$,
        sync.db.outbox.find().$,
        sync.db.refusals.find().$,
      ]).pipe(
        map(([invitations, outbox, refusals]) => {
          const queued = new Map(outbox.map((e) => [e.invitationId, e.toJSON() as OutboxEvent]));
          const refused = new Map(refusals.map((r) => [r.id, r.toJSON() as Refusal]));
          return invitations.map((d) => {
            const q = queued.get(d.id) ?? null;
            return { invitation: d.toJSON() as LocalInvitation, queued: q, refusal: q ? (refused.get(q.id) ?? null) : null };
          });
        }),
      ),
    [sync],
    [],
  );
  if (rows.length === 0) return null;

  const accept = (id: string) => sync.db.outbox.insert(newOutboxEvent('invitation.accepted', id, deviceId()));
  // Gives up an answer the server refused (SPEC REF1): the queued event and its reason go together.
  const discard = async (eventId: string) => {
    await sync.db.outbox.findOne(eventId).remove().catch(() => undefined);
    await sync.db.refusals.findOne(eventId).remove().catch(() => undefined);
  };

  return (
    <section className="card">
      <h2>Invitations for you</h2>
      <ul className="invitation-list">
        {rows.map(({ invitation, queued, refusal }) => (
          <li key={invitation.id} data-testid="for-you-row" data-invitation-id={invitation.id} data-status={invitation.status}>
            <div className="who">
              <strong>An invitation to join PlusOne</strong>
              <span className="muted">{invitation.message || 'You have been invited to join PlusOne.'}</span>
            </div>
            <span className={`badge status-${invitation.status}`}>{invitation.status}</span>
            {refusal ? (
              <span className="refusal" role="alert">
                <span data-testid="refusal-reason">{refusal.message}</span>
                <button type="button" data-testid="discard-acceptance" onClick={() => void discard(refusal.id)}>
                  Discard
                </button>
              </span>
            ) : queued ? (
              <span className="badge sync-pending">Accepted — waiting to sync</span>
            ) : invitation.status === 'accepted' ? null : ['declined', 'cancelled'].includes(invitation.status) ? null : (
              <button type="button" className="primary" data-testid="accept-invitation" onClick={() => void accept(invitation.id)}>
                Accept
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
