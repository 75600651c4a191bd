/**
 * The delivery outbox's writes outside the workers:
 *  - `enqueueDeliveries` runs in the push's transaction, right after the invitations are
 *    inserted: one row per new queued invitation, so an invitation and its message commit or
 *    roll back together. A recipient who opted out gets no row; the inviter sees why (an
 *    `invitation.delivery_failed` event with the reason).
 *  - `optOut` records an unsubscribe (by the token of any message the person got) and
 *    cancels what is still waiting for that address.
 */
import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { ViralEventDoc } from '../../shared/events';
import type { Queryable } from '../db/db';
import type { InvitationRow } from '../sync/invitations';
import { recordEvents } from '../sync/events';
import { serverEvent } from './status';

export const OPTED_OUT_REASON = 'the recipient opted out of messages from PlusOne';

/** Where a message on this invitation's channel goes: the email, or the phone for SMS and WhatsApp. */
export const addressOf = (r: Pick<InvitationRow, 'channel' | 'recipient_email' | 'recipient_phone'>): string | null =>
  r.channel === 'email' ? r.recipient_email.toLowerCase() : r.recipient_phone;

/** `links`: each new invitation's invite code in clear (the table has only its hash), for the message's link. */
export async function enqueueDeliveries(tx: Queryable, inserted: InvitationRow[], now = new Date(), links: ReadonlyMap<string, string> = new Map()): Promise<ViralEventDoc[]> {
  const due = inserted.filter((r) => r.status === 'queued' && !r.deleted && addressOf(r));
  if (due.length === 0) return [];
  const optedOut = new Set(
    (await tx.query<{ address: string }>('SELECT address FROM delivery_opt_outs WHERE address = ANY($1::text[])', [due.map(addressOf)])).map((r) => r.address),
  );
  const send = due.filter((r) => !optedOut.has(addressOf(r)!));
  if (send.length > 0) {
    await tx.query(
      `INSERT INTO deliveries (id, invitation_id, channel, address, unsubscribe_token, invite_code)
       SELECT r.id, r.invitation_id, r.channel, r.address, r.token, r.invite_code
         FROM json_to_recordset($1::json) AS r(id uuid, invitation_id uuid, channel text, address text, token text, invite_code text)
       ON CONFLICT (invitation_id) DO NOTHING`,
      [JSON.stringify(send.map((r) => ({ id: uuidv7(), invitation_id: r.id, channel: r.channel, address: addressOf(r), token: randomBytes(16).toString('base64url'), invite_code: links.get(r.id) ?? null })))],
    );
  }
  const refused = due.filter((r) => optedOut.has(addressOf(r)!));
  return recordEvents(
    tx,
    refused.map((r) => serverEvent('invitation.delivery_failed', { id: r.id, inviterId: r.inviter_id, orgId: r.org_id }, { reason: OPTED_OUT_REASON, channel: r.channel, optedOut: true }, now)),
  );
}

/** Adds an address to the opt-outs (idempotent) and cancels its waiting messages. */
export async function optOutAddress(tx: Queryable, address: string, source: string): Promise<void> {
  await tx.query('INSERT INTO delivery_opt_outs (address, source) VALUES ($1, $2) ON CONFLICT (address) DO NOTHING', [address, source]);
  await tx.query(
    `UPDATE deliveries SET state = 'cancelled', last_error = $2, claim_token = NULL, updated_at = now() WHERE address = $1 AND state = 'pending'`,
    [address, OPTED_OUT_REASON],
  );
}

/** Opts out the address a message's unsubscribe link was for; null when the token is unknown. */
export async function optOutByToken(tx: Queryable, token: string): Promise<string | null> {
  const [row] = await tx.query<{ address: string }>('SELECT address FROM deliveries WHERE unsubscribe_token = $1', [token]);
  if (!row) return null;
  await optOutAddress(tx, row.address, 'unsubscribe-link');
  return row.address;
}
