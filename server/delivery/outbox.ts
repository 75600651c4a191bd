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
import { prepared } from '../db/prepared';

export const OPTED_OUT_REASON = 'the recipient opted out of messages from PlusOne';

/** Where a message on this invitation's channel goes: the email, or the phone for SMS and WhatsApp. */
export const addressOf = (r: Pick<InvitationRow, 'channel' | 'recipient_email' | 'recipient_phone'>): string | null =>
  r.channel === 'email' ? r.recipient_email.toLowerCase() : r.recipient_phone;

/** `links`: each new invitation's invite code in clear (the table has only its hash), for the message's link. */
export async function enqueueDeliveries(tx: Queryable, inserted: InvitationRow[], now = new Date(), links: ReadonlyMap<string, string> = new Map()): Promise<ViralEventDoc[]> {
  const due = inserted.filter((r) => r.status === 'queued' && !r.deleted && addressOf(r));
  if (due.length === 0) return [];
  // One statement: queue the messages of addresses that did not opt out; name the ones that did.
  const refusedIds = new Set(
    (
      await tx.query<{ invitation_id: string }>(
        prepared(`WITH r AS (
           SELECT r.*, EXISTS (SELECT 1 FROM delivery_opt_outs o WHERE o.address = r.address) AS opted_out
             FROM json_to_recordset($1::json) AS r(id uuid, invitation_id uuid, channel text, address text, token text, invite_code text)),
         queued AS (
           INSERT INTO deliveries (id, invitation_id, channel, address, unsubscribe_token, invite_code)
           SELECT id, invitation_id, channel, address, token, invite_code FROM r WHERE NOT opted_out
           ON CONFLICT (invitation_id) DO NOTHING)
         SELECT invitation_id FROM r WHERE opted_out`),
        [JSON.stringify(due.map((r) => ({ id: uuidv7(), invitation_id: r.id, channel: r.channel, address: addressOf(r), token: randomBytes(16).toString('base64url'), invite_code: links.get(r.id) ?? null })))],
      )
    ).map((r) => r.invitation_id),
  );
  const refused = due.filter((r) => refusedIds.has(r.id));
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
