/**
 * Accepting an invitation by its link or its short code (shared/invites.ts says what each may
 * do). Each acceptance is one transaction: the invitation is locked, checked (exists, not
 * expired, still open), moved to accepted through the lattice with a fresh rev (the analytics
 * trigger counts it and attributes the person whose email it was addressed to), and recorded
 * as an `invitation.accepted` event. When the person accepting has another email than the one
 * invited, the same transaction makes the inviter their referrer (if they have none, and never
 * closing a loop) and records `referral.attributed`, as the trigger would have.
 */
import { v7 as uuidv7 } from 'uuid';
import { ErrorCode } from '../../shared/errors';
import type { InviteInfo, SignupRequest } from '../../shared/invites';
import type { Queryable } from '../db/db';
import { HttpError } from '../http/errors';
import { hashCode } from '../auth/codeHash';
import { recordEvents } from '../sync/events';
import { advanceInvitations, serverEvent } from './status';
import { judgeAcceptance } from '../fraud/acceptance';
import type { AcceptanceSignals } from '../fraud/facts';
import type { Applied } from './callbacks';

export interface InviteRow {
  id: string;
  inviter_id: string;
  org_id: string | null;
  recipient_email: string;
  recipient_name: string;
  status: string;
  deleted: boolean;
  created_at: Date;
  channel: string;
  variant: string;
  inviter_name: string;
  venue: string | null;
}

export type CodeKind = 'invite' | 'short';

export async function findInvite(q: Queryable, kind: CodeKind, code: string, lock = false): Promise<InviteRow | null> {
  const rows = await q.query<InviteRow>(
    `SELECT i.id, i.inviter_id, i.org_id, i.recipient_email, i.recipient_name, i.status, i.deleted, i.created_at, i.channel, i.variant,
            u.name AS inviter_name, o.name AS venue
       FROM invitations i JOIN users u ON u.id = i.inviter_id LEFT JOIN organisations o ON o.id = i.org_id
      WHERE ${kind === 'invite' ? 'i.invite_code' : 'i.short_code'} = $1 ${lock ? 'FOR UPDATE OF i' : ''}`,
    [hashCode(code)],
  );
  return rows[0] ?? null;
}

export const expiresAt = (row: InviteRow, days: number) => new Date(row.created_at.getTime() + days * 86_400_000);

/** Why this invitation cannot be accepted now, or null when it can. */
export function closedReason(row: InviteRow, days: number, now = new Date()): { code: ErrorCode; message: string } | null {
  if (row.deleted || row.status === 'cancelled') return { code: ErrorCode.CODE_USED, message: 'This invitation was withdrawn by the person who sent it.' };
  if (row.status === 'accepted') return { code: ErrorCode.CODE_USED, message: 'This invitation has already been accepted: it can be used once.' };
  if (row.status === 'declined') return { code: ErrorCode.CODE_USED, message: 'This invitation was declined.' };
  if (expiresAt(row, days) <= now) return { code: ErrorCode.CODE_EXPIRED, message: `This invitation expired on ${expiresAt(row, days).toDateString()}: ask ${row.inviter_name} for a new one.` };
  return null;
}

export function toInfo(row: InviteRow, days: number): InviteInfo {
  const closed = closedReason(row, days);
  return { inviterName: row.inviter_name, venue: row.venue, recipientName: row.recipient_name, status: row.status, expiresAt: expiresAt(row, days).toISOString(), open: !closed, reason: closed?.message ?? null };
}

export const notFound = (kind: CodeKind) =>
  new HttpError(ErrorCode.NOT_FOUND, kind === 'invite' ? 'This invitation link is not valid.' : 'No invitation has this code: check it with the person who gave it to you.');

/** Locks and checks an invitation for acceptance; throws the reason it cannot be. */
export async function openInvite(tx: Queryable, kind: CodeKind, code: string, days: number): Promise<InviteRow> {
  const row = await findInvite(tx, kind, code, true);
  if (!row) throw notFound(kind);
  const closed = closedReason(row, days);
  if (closed) throw new HttpError(closed.code, closed.message);
  return row;
}

export async function accept(tx: Queryable, row: InviteRow, user: { id: string; email: string }, via: 'invite_link' | 'short_code', signals: AcceptanceSignals = {}): Promise<Applied> {
  if (user.id === row.inviter_id) throw new HttpError(ErrorCode.FORBIDDEN, 'This is your own invitation: send the link to the person you invited.');
  const docs = await advanceInvitations(tx, [row.id], 'accepted');
  if (docs.length === 0) throw new HttpError(ErrorCode.CODE_USED, 'This invitation has already been accepted: it can be used once.');
  const inv = { id: row.id, inviterId: row.inviter_id, orgId: row.org_id };
  const events = [serverEvent('invitation.accepted', inv, { via }, new Date(), user.id)];
  if (user.email.toLowerCase() !== row.recipient_email.toLowerCase()) {
    const referred = await tx.query(
      `UPDATE users SET referred_by = $2, referred_at = now(), referral_invitation_id = $3
        WHERE id = $1 AND referred_by IS NULL AND may_refer($2, id)
       RETURNING id`,
      [user.id, row.inviter_id, row.id],
    );
    if (referred.length > 0) {
      events.push(serverEvent('referral.attributed', inv, { referrerId: row.inviter_id, referredId: user.id, channel: row.channel, variant: row.variant, via }, new Date(), user.id));
    }
  }
  const recorded = await recordEvents(tx, events);
  // Fraud: judged after the attribution, in this transaction (server/fraud/acceptance.ts).
  await judgeAcceptance(tx, { invitationId: row.id, acceptor: user, signals });
  return { docs, events: recorded };
}

/** Creates a couple's account (password hashed beforehand, outside the transaction); refuses an email that already has one. */
export async function createCouple(tx: Queryable, s: SignupRequest, passwordHash: string): Promise<{ id: string; email: string }> {
  const id = `u-${uuidv7()}`;
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO users (id, email, name, role, password_hash) VALUES ($1, $2, $3, 'couple', $4) ON CONFLICT (email) DO NOTHING RETURNING id`,
    [id, s.email, s.name, passwordHash],
  );
  if (rows.length === 0) throw new HttpError(ErrorCode.INVALID_INPUT, 'An account with this email already exists: sign in to accept.');
  return { id, email: s.email };
}
