/**
 * Referral rewards (issue 8, point 6): an inviter earns REFERRAL_REWARD_CENTS per acceptance, but
 * only once it qualifies — the person who accepted books, or comes back (facts.ts `activeSince`).
 * States: pending (allowed, not yet qualified) → granted; held (under review, or blocked and
 * awaiting the owner) → pending again when cleared, clawed_back when confirmed. A granted reward
 * is also clawed back when its acceptance is later confirmed as fraud.
 */
import { REFERRAL_REWARD_CENTS } from '../../shared/fraud/policy';
import type { Outcome } from '../../shared/fraud/reasons';
import type { Queryable } from '../db/db';
import { activeSince } from './facts';

export type RewardState = 'pending' | 'held' | 'granted' | 'clawed_back';

/** Opens the rewards of acceptances, held unless allowed; an allowed one may qualify at once (a held one never does). */
export async function openRewards(tx: Queryable, rewards: readonly { invitationId: string; inviterId: string; referredId: string; acceptedAt: Date; outcome: Outcome }[]): Promise<void> {
  if (rewards.length === 0) return;
  await tx.query(
    `INSERT INTO referral_rewards (invitation_id, inviter_id, referred_id, amount_cents, state, accepted_at)
     SELECT r.invitation_id, r.inviter_id, r.referred_id, $2, r.state, r.accepted_at
       FROM json_to_recordset($1::json) AS r(invitation_id uuid, inviter_id text, referred_id text, state text, accepted_at timestamptz)
     ON CONFLICT (invitation_id) DO NOTHING`,
    [
      JSON.stringify(rewards.map((r) => ({ invitation_id: r.invitationId, inviter_id: r.inviterId, referred_id: r.referredId, state: r.outcome === 'allow' ? 'pending' : 'held', accepted_at: r.acceptedAt.toISOString() }))),
      REFERRAL_REWARD_CENTS,
    ],
  );
  const allowed = rewards.filter((r) => r.outcome === 'allow');
  if (allowed.length > 0) await qualifyRewards(tx, allowed[0]!.acceptedAt, allowed.map((r) => r.invitationId));
}

export async function rewardOf(q: Queryable, invitationId: string): Promise<{ state: RewardState; qualified_by: string | null } | null> {
  const [row] = await q.query<{ state: RewardState; qualified_by: string | null }>('SELECT state, qualified_by FROM referral_rewards WHERE invitation_id = $1', [invitationId]);
  return row ?? null;
}

/**
 * Grants the pending rewards (all, or these) whose referred person qualifies: booked, or active.
 * Returns how many were granted.
 */
export async function qualifyRewards(q: Queryable, now: Date, invitationIds?: readonly string[]): Promise<number> {
  const rows = await q.query(
    `UPDATE referral_rewards r SET state = 'granted', granted_at = $1, updated_at = $1,
            qualified_by = CASE WHEN EXISTS (SELECT 1 FROM bookings b WHERE b.couple_id = r.referred_id) THEN 'booked' ELSE 'active' END
       FROM users u
      WHERE u.id = r.referred_id AND r.state = 'pending' AND ($2::uuid[] IS NULL OR r.invitation_id = ANY($2::uuid[]))
        AND u.password_hash IS NOT NULL AND ${activeSince('r.accepted_at')}
      RETURNING r.invitation_id`,
    [now, invitationIds ? [...invitationIds] : null],
  );
  return rows.length;
}

/** The owner cleared it: held goes back to pending and may qualify now. */
export async function releaseReward(tx: Queryable, invitationId: string, now: Date): Promise<void> {
  await tx.query(`UPDATE referral_rewards SET state = 'pending', updated_at = $2 WHERE invitation_id = $1 AND state = 'held'`, [invitationId, now]);
  await qualifyRewards(tx, now, [invitationId]);
}

/** Confirmed fraud: whatever it was (held, pending, even granted), it is clawed back. */
export async function clawBack(tx: Queryable, invitationId: string, now: Date): Promise<void> {
  await tx.query(
    `UPDATE referral_rewards SET state = 'clawed_back', clawed_back_at = $2, updated_at = $2 WHERE invitation_id = $1 AND state <> 'clawed_back'`,
    [invitationId, now],
  );
}
