/**
 * Erasing an account (issue 8 point 8), in one transaction:
 * - the person's invitations, sent and received, are anonymised pair by pair as the yearly job
 *   does (scrub.ts), so every counter stays as it was and the drift check stays at 0;
 * - events about them lose their personal data (the ids stay, now naming nobody);
 * - they leave every referral chain: nobody is referred by them any more, and they are
 *   referred by nobody (the chains others see no longer hold them);
 * - they leave every segment (the profiles skip erased accounts; the refresh records the
 *   departures as events, like any other);
 * - their sessions go; the account keeps its id, role and organisation (the counters are keyed
 *   by them) with a placeholder address, no name and no password, so it can never sign in;
 * - their own snapshot is deleted; the erasure is logged without saying whose it was.
 * The last owner of the platform cannot erase their account (LAST_OWNER): the platform would
 * be left with nobody to run it. Bookings stay (referred revenue is an aggregate), unnamed.
 */
import { ErrorCode } from '../../shared/errors';
import { ERASED_NAME, erasedEmail } from '../../shared/privacy';
import { snapshotIds } from '../../shared/analytics/snapshots';
import type { Db, Queryable } from '../db/db';
import { HttpError } from '../http/errors';
import { refreshWithin } from '../segments/service';
import { logPrivacy, type PrivacyLogEntry } from './privacyLog';
import { anonymisePairs, newToken, rewriteEvents, type Pair } from './scrub';

export interface Erasure {
  log: PrivacyLogEntry;
  /** People whose chains or trees changed (their snapshots should be recomputed). */
  affectedUserIds: string[];
}

async function leaveChains(tx: Queryable, userId: string): Promise<string[]> {
  const referred = await tx.query<{ id: string }>(
    `UPDATE users SET referred_by = NULL, referred_at = NULL, referral_invitation_id = NULL WHERE referred_by = $1 RETURNING id`,
    [userId],
  );
  const [own] = await tx.query<{ referred_by: string | null }>('SELECT referred_by FROM users WHERE id = $1', [userId]);
  return [...referred.map((r) => r.id), ...(own?.referred_by ? [own.referred_by] : [])];
}

export async function eraseAccount(db: Db, userId: string, now: Date): Promise<Erasure> {
  const started = performance.now();
  return db.transaction(async (tx) => {
    const [user] = await tx.query<{ email: string; role: string; erased_at: Date | null }>(
      'SELECT email, role, erased_at FROM users WHERE id = $1 FOR UPDATE',
      [userId],
    );
    if (!user || user.erased_at) throw new HttpError(ErrorCode.NOT_FOUND, 'there is no such account');
    if (user.role === 'owner') {
      // Owners are locked in id order, so two owners erasing at once cannot both pass.
      const others = await tx.query("SELECT id FROM users WHERE role = 'owner' AND erased_at IS NULL AND id <> $1 ORDER BY id FOR UPDATE", [userId]);
      if (others.length === 0) throw new HttpError(ErrorCode.LAST_OWNER);
    }
    const pairs = await tx.query<Pair>(
      `SELECT DISTINCT inviter_id AS "inviterId", recipient_email AS "recipientEmail" FROM invitations
        WHERE anonymised_at IS NULL AND (inviter_id = $1 OR lower(recipient_email) = lower($2))
        ORDER BY 1, 2`,
      [userId, user.email],
    );
    const scrubbed = await anonymisePairs(tx, pairs, now);
    const events = await tx.query<{ id: string; data: unknown }>('SELECT id, data FROM viral_events WHERE actor_id = $1 OR inviter_id = $1', [userId]);
    const eventsScrubbed = await rewriteEvents(tx, events);
    const affected = await leaveChains(tx, userId);
    const sessions = await tx.query('DELETE FROM sessions WHERE user_id = $1 RETURNING user_id', [userId]);
    await tx.query(
      `UPDATE users SET email = $2, name = $3, password_hash = NULL, referred_by = NULL, referred_at = NULL,
              referral_invitation_id = NULL, erased_at = $4 WHERE id = $1`,
      [userId, erasedEmail(newToken()), ERASED_NAME, now],
    );
    const memberships = await tx.query('SELECT segment_id FROM segment_members WHERE user_id = $1', [userId]);
    await refreshWithin(tx, now);
    await tx.query('DELETE FROM metrics WHERE id = $1', [snapshotIds.user(userId)]);
    await tx.query('UPDATE segments SET created_by = NULL WHERE created_by = $1', [userId]);
    await tx.query('UPDATE webhook_endpoints SET created_by = NULL WHERE created_by = $1', [userId]);
    const log = await logPrivacy(tx, {
      kind: 'erasure',
      trigger: 'user',
      startedAt: now,
      durationMs: performance.now() - started,
      rows: {
        invitations: scrubbed.invitations,
        deliveries: scrubbed.deliveries,
        viral_events: scrubbed.viral_events + eventsScrubbed,
        referrals_removed: affected.length,
        segment_memberships: memberships.length,
        sessions: sessions.length,
      },
    });
    return { log, affectedUserIds: [...new Set(affected)] };
  });
}
