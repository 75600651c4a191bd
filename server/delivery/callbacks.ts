/**
 * What providers tell us after a send, and what a recipient's click tells us, applied to the
 * invitation through the lattice (status.ts), so it reaches the inviter's screen live:
 *  - delivered (Twilio `delivered`, WhatsApp `delivered`/`read`) → the outbox row is delivered
 *    and the invitation moves to delivered, with an `invitation.delivered` event;
 *  - failed (Twilio `failed`/`undelivered`, WhatsApp `failed`) → the row is dead-lettered with
 *    the provider's reason and an `invitation.delivery_failed` event; the invitation keeps its
 *    status (the lattice never moves back);
 *  - an open of the tracked link → opened, with an `invitation.opened` event.
 * Callbacks find their row by our delivery id (in Twilio's StatusCallback URL, in WhatsApp's
 * `biz_opaque_callback_data`), else by the provider's message id; repeats change nothing.
 */
import type { ViralEventDoc } from '../../shared/events';
import { isUuid } from '../../shared/ids';
import type { Channel, InvitationDoc } from '../../shared/invitation';
import type { Db } from '../db/db';
import { hashCode } from '../auth/codeHash';
import { recordEvents } from '../sync/events';
import { advanceInvitations, serverEvent } from './status';

export interface StatusUpdate {
  channel: Channel;
  deliveryId?: string | null;
  providerId: string;
  status: 'sent' | 'delivered' | 'failed';
  /** The provider's error code and words, for a failure. */
  error?: string;
}

export interface Applied {
  docs: InvitationDoc[];
  events: ViralEventDoc[];
}

const none: Applied = { docs: [], events: [] };

export async function applyStatus(db: Db, u: StatusUpdate): Promise<Applied> {
  const byId = u.deliveryId && isUuid(u.deliveryId) ? u.deliveryId : null;
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string; state: string; provider_id: string | null; invitation_id: string; inviter_id: string; org_id: string | null }>(
      `SELECT d.id, d.state, d.provider_id, d.invitation_id, i.inviter_id, i.org_id
         FROM deliveries d JOIN invitations i ON i.id = d.invitation_id
        WHERE d.channel = $1 AND (d.id = $2 OR d.provider_id = $3)
        ORDER BY (d.id = $2) DESC NULLS LAST LIMIT 1 FOR UPDATE OF d`,
      [u.channel, byId, u.providerId],
    );
    // Unknown, or a callback naming another message than the one we recorded: ignore it.
    if (!row || (row.provider_id && row.provider_id !== u.providerId)) return none;
    const inv = { id: row.invitation_id, inviterId: row.inviter_id, orgId: row.org_id };
    const open = row.state === 'sending' || row.state === 'sent';
    if (u.status === 'sent' || !open) {
      if (!row.provider_id) await tx.query('UPDATE deliveries SET provider_id = $2 WHERE id = $1', [row.id, u.providerId]);
      return none;
    }
    if (u.status === 'delivered') {
      await tx.query(
        `UPDATE deliveries SET state = 'delivered', delivered_at = now(), provider_id = $2, updated_at = now() WHERE id = $1`,
        [row.id, u.providerId],
      );
      const docs = await advanceInvitations(tx, [row.invitation_id], 'delivered');
      const events = await recordEvents(tx, [serverEvent('invitation.delivered', inv, { channel: u.channel, deliveryId: row.id, providerId: u.providerId })]);
      return { docs, events };
    }
    const reason = `the provider could not deliver it${u.error ? `: ${u.error}` : ''}`;
    await tx.query(
      `UPDATE deliveries SET state = 'dead', last_error = $2, provider_id = $3, updated_at = now() WHERE id = $1`,
      [row.id, reason, u.providerId],
    );
    const events = await recordEvents(tx, [serverEvent('invitation.delivery_failed', inv, { channel: u.channel, deliveryId: row.id, providerId: u.providerId, reason })]);
    return { docs: [], events };
  });
}

/** The tracked link was opened: the invitation moves to opened if it may. */
export async function markOpened(db: Db, inviteCode: string): Promise<Applied> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string; inviter_id: string; org_id: string | null }>(
      'SELECT id, inviter_id, org_id FROM invitations WHERE invite_code = $1 AND NOT deleted FOR UPDATE',
      [hashCode(inviteCode)],
    );
    if (!row) return none;
    const docs = await advanceInvitations(tx, [row.id], 'opened');
    if (docs.length === 0) return none;
    const events = await recordEvents(tx, [serverEvent('invitation.opened', { id: row.id, inviterId: row.inviter_id, orgId: row.org_id }, { via: 'link' })]);
    return { docs, events };
  });
}
