/**
 * Delivery workers: claim due outbox rows, send them, record what happened.
 *  - Claim: one statement picks due rows `FOR UPDATE SKIP LOCKED` (two workers never take the
 *    same row) and leases them: `state = 'sending'`, `due_at = now() + lease`, a fresh
 *    `claim_token`. It commits at once, so nothing is held open while the provider answers.
 *  - Send: every message of the batch in parallel, with the delivery id as idempotency key.
 *  - Settle: one transaction records each result, but only for rows this claim still holds
 *    (`claim_token` matches): sent rows move their invitation queued → sent (lattice, new rev)
 *    with an `invitation.sent` event; failures wait per the retry schedule (backoff.ts) or
 *    dead-letter with an `invitation.delivery_failed` event carrying the reason.
 * A worker killed after claiming loses nothing: when the lease runs out the row is due again
 * and another worker sends it under the same idempotency key, so the provider keeps one.
 */
import { randomUUID } from 'node:crypto';
import type { ViralEventDoc } from '../../shared/events';
import { isTerminal, type Channel, type InvitationDoc, type InvitationStatus } from '../../shared/invitation';
import type { Db } from '../db/db';
import { recordEvents, type NewEvent } from '../sync/events';
import { afterFailure, type RetryPolicy } from './backoff';
import type { ChannelAdapter } from './channels/channel';
import { composeMessage, templateCache } from './compose';
import { OPTED_OUT_REASON, optOutAddress } from './outbox';
import { advanceInvitations, serverEvent } from './status';

export interface DeliveryCore {
  db: Db;
  adapters: Partial<Record<Channel, ChannelAdapter>>;
  policy: RetryPolicy;
  leaseMs: number;
  batch: number;
  publicUrl: () => string;
  /** Rows and events a settle wrote, for the live feed and the metrics. */
  onChanged?: (docs: InvitationDoc[], events: ViralEventDoc[]) => void;
  random?: () => number;
}

export interface Claimed {
  id: string;
  invitation_id: string;
  channel: Channel;
  address: string;
  attempts: number;
  unsubscribe_token: string;
  status: InvitationStatus;
  deleted: boolean;
  invite_code: string | null;
  variant: string;
  recipient_name: string;
  inviter_id: string;
  org_id: string | null;
  inviter_name: string;
  venue: string | null;
  opted_out: boolean;
}

export type Outcome = { row: Claimed } & (
  | { kind: 'sent'; providerId: string }
  | { kind: 'retry'; reason: string; inMs: number }
  | { kind: 'dead'; reason: string; code?: string; optedOut?: boolean }
  | { kind: 'cancelled'; reason: string; tell: boolean }
);

export interface Claim {
  token: string;
  rows: Claimed[];
}

export async function claimBatch(db: Db, batch: number, leaseMs: number): Promise<Claim> {
  const token = randomUUID();
  const rows = await db.query<Claimed>(
    `WITH due AS (
       SELECT id FROM deliveries WHERE state IN ('pending', 'sending') AND due_at <= now()
        ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED
     ), claimed AS (
       UPDATE deliveries d SET state = 'sending', attempts = d.attempts + 1, due_at = now() + $2 * interval '1 millisecond',
              claim_token = $3, updated_at = now(), channel = i.channel,
              address = CASE WHEN i.channel = 'email' THEN lower(i.recipient_email) ELSE coalesce(i.recipient_phone, d.address) END
         FROM due, invitations i
        WHERE d.id = due.id AND i.id = d.invitation_id
        RETURNING d.id, d.invitation_id, d.channel, d.address, d.attempts, d.unsubscribe_token, d.invite_code
     )
     SELECT c.*, i.status, i.deleted, i.variant, i.recipient_name, i.inviter_id, i.org_id,
            u.name AS inviter_name, o.name AS venue,
            EXISTS (SELECT 1 FROM delivery_opt_outs x WHERE x.address = c.address) AS opted_out
       FROM claimed c JOIN invitations i ON i.id = c.invitation_id JOIN users u ON u.id = i.inviter_id
       LEFT JOIN organisations o ON o.id = i.org_id`,
    [batch, leaseMs, token],
  );
  return { token, rows };
}

/** Sends every claimed row (in parallel) and says what happened to each; never throws. */
export async function sendClaimed(core: DeliveryCore, rows: Claimed[]): Promise<Outcome[]> {
  const template = templateCache(core.db);
  const base = core.publicUrl();
  return Promise.all(
    rows.map(async (row): Promise<Outcome> => {
      if (row.deleted || isTerminal(row.status)) return { row, kind: 'cancelled', reason: `the invitation is ${row.deleted ? 'withdrawn' : row.status}`, tell: false };
      if (row.opted_out) return { row, kind: 'cancelled', reason: OPTED_OUT_REASON, tell: true };
      const adapter = core.adapters[row.channel];
      if (!adapter) return { row, kind: 'dead', reason: `${row.channel} is not set up on this server` };
      const facts = { deliveryId: row.id, channel: row.channel, address: row.address, unsubscribeToken: row.unsubscribe_token, inviteCode: row.invite_code, variant: row.variant, recipientName: row.recipient_name, inviterName: row.inviter_name, venue: row.venue };
      let result;
      try {
        result = await adapter.send(composeMessage(facts, await template(row.channel, row.variant), base));
      } catch (err) {
        result = { ok: false as const, retryable: true, reason: `sending failed: ${(err as Error).message}` };
      }
      if (result.ok) return { row, kind: 'sent', providerId: result.providerId };
      const next = afterFailure(row.attempts, result.retryable, core.policy, core.random);
      if (next === 'dead') {
        const why = result.retryable ? `${result.reason} (gave up after ${row.attempts} attempts)` : result.reason;
        return { row, kind: 'dead', reason: why, code: result.code, optedOut: result.optedOut };
      }
      return { row, kind: 'retry', reason: result.reason, inMs: next.retryInMs };
    }),
  );
}

/** Namespace of the per-inviter advisory locks settles take (two-key form). */
const SETTLE_LOCK = 7_474_010;

/** Records the outcomes of one claim in one transaction; rows whose lease was lost are skipped. */
export async function settle(core: DeliveryCore, claim: Claim, outcomes: Outcome[]): Promise<{ docs: InvitationDoc[]; events: ViralEventDoc[] }> {
  if (outcomes.length === 0) return { docs: [], events: [] };
  const result = await core.db.transaction(async (tx) => {
    // The invitations' triggers update per-inviter counters: concurrent settles take their
    // inviters in one order (advisory locks, sorted), so two batches never deadlock on them.
    await tx.query(
      'SELECT pg_advisory_xact_lock($1, hashtext(inviter)) FROM (SELECT DISTINCT unnest($2::text[]) AS inviter ORDER BY 1) AS s',
      [SETTLE_LOCK, outcomes.map((o) => o.row.inviter_id)],
    );
    const stateOf = { sent: 'sent', retry: 'pending', dead: 'dead', cancelled: 'cancelled' } as const;
    const held = new Set(
      (
        await tx.query<{ id: string }>(
          `UPDATE deliveries d SET
              state = CASE WHEN d.state = 'sending' THEN r.state ELSE d.state END,
              provider_id = coalesce(d.provider_id, r.provider_id),
              last_error = r.error,
              due_at = CASE WHEN r.state = 'pending' THEN now() + r.wait_ms * interval '1 millisecond' ELSE d.due_at END,
              sent_at = CASE WHEN r.state = 'sent' THEN coalesce(d.sent_at, now()) ELSE d.sent_at END,
              claim_token = NULL, updated_at = now()
             FROM json_to_recordset($1::json) AS r(id uuid, state text, provider_id text, error text, wait_ms int)
            WHERE d.id = r.id AND d.claim_token = $2
            RETURNING d.id`,
          [
            JSON.stringify(
              outcomes.map((o) => ({
                id: o.row.id,
                state: stateOf[o.kind],
                provider_id: o.kind === 'sent' ? o.providerId : null,
                error: o.kind === 'sent' ? null : o.reason,
                wait_ms: o.kind === 'retry' ? o.inMs : 0,
              })),
            ),
            claim.token,
          ],
        )
      ).map((r) => r.id),
    );
    const mine = outcomes.filter((o) => held.has(o.row.id));
    const inv = (o: Outcome) => ({ id: o.row.invitation_id, inviterId: o.row.inviter_id, orgId: o.row.org_id });
    const events: NewEvent[] = [];
    for (const o of mine) {
      if (o.kind === 'sent') {
        events.push(serverEvent('invitation.sent', inv(o), { channel: o.row.channel, deliveryId: o.row.id, providerId: o.providerId, attempts: o.row.attempts, variant: o.row.variant }));
      } else if (o.kind === 'dead' || (o.kind === 'cancelled' && o.tell)) {
        events.push(serverEvent('invitation.delivery_failed', inv(o), { channel: o.row.channel, deliveryId: o.row.id, reason: o.reason, attempts: o.row.attempts, ...(o.kind === 'dead' && o.code ? { code: o.code } : {}) }));
      }
      if (o.kind === 'dead' && o.optedOut) await optOutAddress(tx, o.row.address, 'provider');
    }
    const docs = await advanceInvitations(tx, mine.filter((o) => o.kind === 'sent').map((o) => o.row.invitation_id), 'sent');
    return { docs, events: await recordEvents(tx, events) };
  });
  core.onChanged?.(result.docs, result.events);
  return result;
}

/** One claim, send and settle; returns how many rows it took. */
export async function runBatch(core: DeliveryCore): Promise<number> {
  const claim = await claimBatch(core.db, core.batch, core.leaseMs);
  if (claim.rows.length === 0) return 0;
  await settle(core, claim, await sendClaimed(core, claim.rows));
  return claim.rows.length;
}
