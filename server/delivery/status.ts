/**
 * The server's own writes on invitations and events for delivery: a status moves forward only
 * along the shared lattice (`canTransition`), with a fresh rev and txid like every synced write,
 * so the change reaches the inviter's screen through the same feed and live room as any other.
 * Events are recorded in batches with `recordEvents` (server/sync/events.ts).
 */
import { v7 as uuidv7 } from 'uuid';
import type { ViralEventDoc } from '../../shared/events';
import { canTransition, invitationStatuses, type InvitationDoc, type InvitationStatus } from '../../shared/invitation';
import type { Queryable } from '../db/db';
import type { NewEvent } from '../sync/events';
import { readInvitations } from '../sync/invitations';

/** The statuses an invitation may move to `to` from (not counting staying put). */
export const movableFrom = (to: InvitationStatus): InvitationStatus[] => invitationStatuses.filter((s) => s !== to && canTransition(s, to));

/** Moves each invitation to `to` where the lattice allows; returns the rows that moved. */
export async function advanceInvitations(tx: Queryable, ids: string[], to: InvitationStatus): Promise<InvitationDoc[]> {
  if (ids.length === 0) return [];
  const moved = await tx.query<{ id: string }>(
    `UPDATE invitations i SET status = $3, write_id = w.write_id, updated_at = now(), rev = nextval('plusone_rev'), txid = plusone_txid()
       FROM unnest($1::uuid[], $2::uuid[]) AS w(id, write_id)
      WHERE i.id = w.id AND i.status = ANY($4::text[]) AND NOT i.deleted
      RETURNING i.id`,
    [ids, ids.map(() => uuidv7()), to, movableFrom(to)],
  );
  return readInvitations(tx, moved.map((r) => r.id));
}

/** An event the server records now about an invitation. */
export function serverEvent(type: NewEvent['type'], inv: { id: string; inviterId: string; orgId: string | null }, data: Record<string, unknown>, now = new Date(), actorId: string | null = null): NewEvent {
  return { type, actorId, invitationId: inv.id, inviterId: inv.inviterId, orgId: inv.orgId, data, capturedAt: now, countedAt: now, timeSource: 'server' };
}
