/**
 * The writes anonymisation and erasure share (the rules are shared/privacy.ts):
 * - `anonymisePairs` replaces the recipient of every invitation of some (inviter, recipient)
 *   pairs by one random placeholder per pair and clears the other personal fields; the
 *   deliveries of those invitations lose their address and error text, pending ones are
 *   cancelled; the events about them are scrubbed.
 * - `clearOldContent` clears what an old invitation holds besides the address (its pair still
 *   has a newer invitation, so the address stays until that one is old too).
 *
 * Counters: only recipient_email, recipient_name, recipient_phone, message and the codes change.
 * The trigger of migration 004 moves no K counter for that (same inviter, channel, variant, day
 * and status), and re-derives the supplier's connection for the old and the new address: every
 * invitation of the pair moves in the same statement, so the connection moves whole (one link
 * removed, one added, same relationship and status) and the connection counts stay as they were.
 * Rows are bumped to a new rev so devices that cached them pull the anonymised state.
 *
 * Locks: invitation rows first, in id order (as pushes and events take them), then each
 * inviter's advisory lock (the one the trigger takes for a new invitation), so an invitation
 * being added to a pair concurrently is either seen (and the pair left alone) or comes after.
 */
import { randomBytes } from 'node:crypto';
import { anonymisedEmail, holdsPersonal, REDACTED, scrubPersonal } from '../../shared/privacy';
import type { Queryable } from '../db/db';

export interface Pair {
  inviterId: string;
  recipientEmail: string;
}

export interface ScrubCounts {
  invitations: number;
  deliveries: number;
  viral_events: number;
}

export const noCounts = (): ScrubCounts => ({ invitations: 0, deliveries: 0, viral_events: 0 });
export const addCounts = (a: ScrubCounts, b: ScrubCounts): ScrubCounts => ({
  invitations: a.invitations + b.invitations,
  deliveries: a.deliveries + b.deliveries,
  viral_events: a.viral_events + b.viral_events,
});

/** A random token for a placeholder: 128 bits, never derived from the address. */
export const newToken = () => randomBytes(16).toString('hex');

/** Namespace of the per-inviter lock the trigger of migration 004 takes (k_count). */
const INVITER_LOCK = 7_474_004;

/**
 * Anonymises every invitation of `pairs`, unless `onlyBefore` is given and the pair has an
 * invitation created at or after it (then the pair is skipped: it is not old yet).
 */
export async function anonymisePairs(tx: Queryable, pairs: readonly Pair[], now: Date, onlyBefore?: Date): Promise<ScrubCounts> {
  if (pairs.length === 0) return noCounts();
  const json = JSON.stringify(pairs.map((p) => ({ inviter_id: p.inviterId, recipient_email: p.recipientEmail })));
  await tx.query(
    `SELECT i.id FROM invitations i JOIN json_to_recordset($1::json) AS p (inviter_id text, recipient_email text)
        ON i.inviter_id = p.inviter_id AND i.recipient_email = p.recipient_email
      ORDER BY i.id FOR UPDATE OF i`,
    [json],
  );
  for (const inviter of [...new Set(pairs.map((p) => p.inviterId))].sort()) {
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [INVITER_LOCK, inviter]);
  }
  const withTokens = pairs.map((p) => ({ inviter_id: p.inviterId, recipient_email: p.recipientEmail, placeholder: anonymisedEmail(newToken()) }));
  const changed = await tx.query<{ id: string; channel: string; placeholder: string }>(
    `UPDATE invitations i SET recipient_email = p.placeholder, recipient_name = '', recipient_phone = NULL, message = '',
            invite_code = NULL, short_code = NULL, anonymised_at = $2, rev = nextval('plusone_rev'), txid = plusone_txid()
       FROM json_to_recordset($1::json) AS p (inviter_id text, recipient_email text, placeholder text)
      WHERE i.inviter_id = p.inviter_id AND i.recipient_email = p.recipient_email
        AND ($3::timestamptz IS NULL OR NOT EXISTS (
              SELECT 1 FROM invitations n
               WHERE n.inviter_id = p.inviter_id AND n.recipient_email = p.recipient_email AND n.created_at >= $3::timestamptz))
      RETURNING i.id, i.channel, p.placeholder`,
    [JSON.stringify(withTokens), now, onlyBefore ?? null],
  );
  const ids = changed.map((r) => r.id);
  return { invitations: ids.length, ...(await scrubAround(tx, ids)) };
}

/** Clears name, phone, message and codes of old invitations whose pair still has a newer one. */
export async function clearOldContent(tx: Queryable, ids: readonly string[]): Promise<ScrubCounts> {
  if (ids.length === 0) return noCounts();
  const changed = await tx.query<{ id: string }>(
    `WITH due AS (SELECT id FROM invitations WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE)
     UPDATE invitations i SET recipient_name = '', recipient_phone = NULL, message = '', invite_code = NULL, short_code = NULL,
            rev = nextval('plusone_rev'), txid = plusone_txid()
       FROM due WHERE i.id = due.id
        AND (i.recipient_name <> '' OR i.recipient_phone IS NOT NULL OR i.message <> '' OR i.invite_code IS NOT NULL OR i.short_code IS NOT NULL)
      RETURNING i.id`,
    [[...ids]],
  );
  const changedIds = changed.map((r) => r.id);
  return { invitations: changedIds.length, ...(await scrubAround(tx, changedIds)) };
}

/** Deliveries and events of these invitations, scrubbed. */
async function scrubAround(tx: Queryable, invitationIds: readonly string[]): Promise<Omit<ScrubCounts, 'invitations'>> {
  if (invitationIds.length === 0) return { deliveries: 0, viral_events: 0 };
  // An email delivery's address is the invitation's (now a placeholder or kept); a phone's goes.
  const deliveries = await tx.query(
    `UPDATE deliveries d SET address = CASE WHEN d.channel = 'email' THEN lower(i.recipient_email) ELSE $2 END, last_error = NULL,
            state = CASE WHEN d.state = 'pending' THEN 'cancelled' ELSE d.state END, updated_at = now()
       FROM invitations i
      WHERE d.invitation_id = i.id AND i.id = ANY($1::uuid[])
        AND (d.address IS DISTINCT FROM CASE WHEN d.channel = 'email' THEN lower(i.recipient_email) ELSE $2 END
             OR d.last_error IS NOT NULL OR d.state = 'pending')
      RETURNING d.id`,
    [[...invitationIds], REDACTED],
  );
  const events = await tx.query<{ id: string; data: unknown }>('SELECT id, data FROM viral_events WHERE invitation_id = ANY($1::uuid[])', [[...invitationIds]]);
  return { deliveries: deliveries.length, viral_events: await rewriteEvents(tx, events) };
}

/** Rewrites the data of the events that hold personal data (new rev: devices pull the change). */
export async function rewriteEvents(tx: Queryable, events: readonly { id: string; data: unknown }[]): Promise<number> {
  const dirty = events.filter((e) => holdsPersonal(e.data)).map((e) => ({ id: e.id, data: scrubPersonal(e.data) }));
  if (dirty.length === 0) return 0;
  await tx.query(
    `UPDATE viral_events v SET data = r.data, rev = nextval('plusone_rev'), txid = plusone_txid()
       FROM json_to_recordset($1::json) AS r (id uuid, data jsonb) WHERE v.id = r.id`,
    [JSON.stringify(dirty)],
  );
  return dirty.length;
}
