/**
 * The owner's review queue and its consequences (issue 8, points 5 and 6).
 * - clear: it was legitimate. An acceptance counts again (a blocked one is restored to K, tiers
 *   and its referral) and its reward goes back to pending (granted at once if it qualifies).
 * - confirm: it was fraud. An acceptance is excluded from K, tiers and referred revenue and its
 *   reward clawed back; an invitation still open is cancelled (its inviter sees it cancelled).
 * Either way the decision is stored as a label for the next training run.
 */
import { isTerminal, type InvitationDoc, type InvitationStatus } from '../../shared/invitation';
import type { QueueItem, ReviewDecision } from '../../shared/fraud/queue';
import { ErrorCode } from '../../shared/errors';
import type { Queryable } from '../db/db';
import { HttpError } from '../http/errors';
import { readInvitations } from '../sync/invitations';
import { clawBack, releaseReward } from './rewards';

/** Excludes an accepted invitation from the counters (the trigger recounts it) and undoes its referral. */
export async function exclude(tx: Queryable, invitationId: string): Promise<string[]> {
  await tx.query('UPDATE invitations SET fraud_excluded = true WHERE id = $1 AND NOT fraud_excluded', [invitationId]);
  const unreferred = await tx.query<{ id: string }>(
    'UPDATE users SET referred_by = NULL, referred_at = NULL, referral_invitation_id = NULL WHERE referral_invitation_id = $1 RETURNING id',
    [invitationId],
  );
  return unreferred.map((r) => r.id);
}

/** Counts an excluded acceptance again and gives the acceptor back their referrer (if they have none, and no loop). */
async function restore(tx: Queryable, invitationId: string, acceptorId: string | null): Promise<void> {
  const [inv] = await tx.query<{ inviter_id: string; accepted_at: Date | null }>(
    'UPDATE invitations SET fraud_excluded = false WHERE id = $1 AND fraud_excluded RETURNING inviter_id, accepted_at',
    [invitationId],
  );
  if (!inv || !acceptorId) return;
  await tx.query(
    `UPDATE users SET referred_by = $2, referred_at = coalesce($3, now()), referral_invitation_id = $1
      WHERE id = $4 AND referred_by IS NULL AND may_refer($2, id)`,
    [invitationId, inv.inviter_id, inv.accepted_at, acceptorId],
  );
}

interface ItemRow {
  id: string;
  subject: 'invitation' | 'acceptance';
  invitation_id: string;
  inviter_id: string;
  inviter_name: string;
  acceptor_id: string | null;
  acceptor_name: string | null;
  recipient_email: string;
  outcome: QueueItem['outcome'];
  score: number;
  rule_score: number;
  model_score: number | null;
  model_version: string | null;
  reasons: QueueItem['reasons'];
  model_reasons: QueueItem['modelReasons'];
  features: number[] | null;
  review_state: QueueItem['reviewState'];
  reward: QueueItem['reward'];
  created_at: Date;
}

const ITEM = `SELECT a.id, a.subject, a.invitation_id, a.inviter_id, i.name AS inviter_name, a.acceptor_id, c.name AS acceptor_name,
    a.recipient_email, a.outcome, a.score, a.rule_score, a.model_score, a.model_version, a.reasons, a.model_reasons, a.features,
    a.review_state, CASE WHEN a.subject = 'acceptance' THEN r.state END AS reward, a.created_at
  FROM fraud_assessments a JOIN users i ON i.id = a.inviter_id LEFT JOIN users c ON c.id = a.acceptor_id
  LEFT JOIN referral_rewards r ON r.invitation_id = a.invitation_id`;

const toItem = (r: ItemRow): QueueItem => ({
  id: r.id,
  subject: r.subject,
  invitationId: r.invitation_id,
  inviterId: r.inviter_id,
  inviterName: r.inviter_name,
  acceptorName: r.acceptor_name,
  recipientEmail: r.recipient_email,
  outcome: r.outcome,
  score: r.score,
  ruleScore: r.rule_score,
  modelScore: r.model_score,
  modelVersion: r.model_version,
  reasons: r.reasons,
  modelReasons: r.model_reasons,
  reviewState: r.review_state,
  reward: r.reward,
  createdAt: r.created_at.toISOString(),
});

/** The pending items, oldest first (at most `limit`), and how many are pending in all. */
export async function readQueue(q: Queryable, limit = 100): Promise<{ items: QueueItem[]; pending: number }> {
  const rows = await q.query<ItemRow>(`${ITEM} WHERE a.review_state = 'pending' ORDER BY a.created_at, a.id LIMIT $1`, [limit]);
  const [count] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM fraud_assessments WHERE review_state = 'pending'`);
  return { items: rows.map(toItem), pending: count?.n ?? 0 };
}

export interface Decided {
  item: QueueItem;
  /** Invitations whose synced state changed (a cancelled one), to broadcast. */
  changed: InvitationDoc[];
  /** Users whose figures changed (inviter, acceptor, and anyone who lost a referrer). */
  userIds: string[];
}

export async function decide(tx: Queryable, id: string, decision: ReviewDecision, ownerId: string, now: Date): Promise<Decided> {
  const [row] = await tx.query<ItemRow>(`${ITEM} WHERE a.id = $1 FOR UPDATE OF a`, [id]);
  if (!row) throw new HttpError(ErrorCode.NOT_FOUND, 'there is no such review item');
  if (row.review_state !== 'pending') throw new HttpError(ErrorCode.INVALID_INPUT, `this item was already ${row.review_state}`);
  const fraud = decision === 'confirm';
  const userIds = new Set([row.inviter_id, ...(row.acceptor_id ? [row.acceptor_id] : [])]);
  const changed: InvitationDoc[] = [];
  const [inv] = await tx.query<{ status: InvitationStatus }>('SELECT status FROM invitations WHERE id = $1 FOR UPDATE', [row.invitation_id]);
  if (fraud) {
    if (inv?.status === 'accepted') {
      for (const u of await exclude(tx, row.invitation_id)) userIds.add(u);
      await clawBack(tx, row.invitation_id, now);
    } else if (inv && !isTerminal(inv.status)) {
      await tx.query(
        `UPDATE invitations SET status = 'cancelled', updated_at = now(), rev = nextval('plusone_rev'), txid = plusone_txid() WHERE id = $1`,
        [row.invitation_id],
      );
      await tx.query(`UPDATE deliveries SET state = 'cancelled', updated_at = now() WHERE invitation_id = $1 AND state = 'pending'`, [row.invitation_id]);
      changed.push(...(await readInvitations(tx, [row.invitation_id])));
    }
  } else if (row.subject === 'acceptance') {
    await restore(tx, row.invitation_id, row.acceptor_id);
    await releaseReward(tx, row.invitation_id, now);
  }
  await tx.query(`UPDATE fraud_assessments SET review_state = $2, reviewed_by = $3, reviewed_at = $4 WHERE id = $1`, [
    id,
    fraud ? 'confirmed' : 'cleared',
    ownerId,
    now,
  ]);
  await tx.query(
    `INSERT INTO fraud_labels (assessment_id, subject, fraud, features, labelled_by, labelled_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (assessment_id) DO UPDATE SET fraud = EXCLUDED.fraud, labelled_by = EXCLUDED.labelled_by, labelled_at = EXCLUDED.labelled_at`,
    [id, row.subject, fraud, row.features === null ? null : JSON.stringify(row.features), ownerId, now],
  );
  const [after] = await tx.query<ItemRow>(`${ITEM} WHERE a.id = $1`, [id]);
  return { item: toItem(after!), changed, userIds: [...userIds] };
}

/** Acceptances left out of K as fraud among the invitations counted in a window of whole UTC days. */
export async function countExcluded(q: Queryable, w: { start: string; end: string }): Promise<number> {
  const [row] = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM invitations
      WHERE fraud_excluded AND status = 'accepted' AND NOT deleted
        AND counted_at >= $1::date::timestamp AT TIME ZONE 'UTC' AND counted_at < ($2::date + 1)::timestamp AT TIME ZONE 'UTC'`,
    [w.start, w.end],
  );
  return row?.n ?? 0;
}
