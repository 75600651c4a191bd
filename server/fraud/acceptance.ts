/**
 * Judging an acceptance (issue 8, points 5 and 6), in the accepting write's transaction, after
 * the invitation moved to accepted and the attribution was made (by the trigger, or by invite
 * sign-up). The acceptance itself always stands — the person did accept, and the lattice never
 * moves back — but its effects depend on the outcome:
 * - allow: it counts; the inviter's reward is pending until the person qualifies;
 * - review: it counts for now; the reward is held; the owner's queue has it;
 * - block: it is excluded at once from K, tiers and referred revenue; the reward is held; the
 *   owner's queue has it (clearing restores it, confirming makes it final).
 */
import { assessAcceptance, type Assessment } from '../../shared/fraud/assess';
import type { Queryable } from '../db/db';
import { acceptanceFacts, recordFingerprints, type AcceptanceSignals } from './facts';
import { exclude } from './review';
import { openReward } from './rewards';
import { saveAssessments } from './store';

export interface AcceptanceInput {
  invitationId: string;
  acceptor: { id: string; email: string };
  signals?: AcceptanceSignals;
  now?: Date;
}

export async function judgeAcceptance(tx: Queryable, input: AcceptanceInput): Promise<Assessment | null> {
  const now = input.now ?? new Date();
  const [inv] = await tx.query<{ inviter_id: string; created_at: Date; recipient_email: string }>(
    `SELECT inviter_id, created_at, recipient_email FROM invitations WHERE id = $1 AND status = 'accepted'`,
    [input.invitationId],
  );
  if (!inv) return null;
  const signals = input.signals ?? {};
  const prints = [
    ...(signals.deviceId ? [{ kind: 'device' as const, value: signals.deviceId }] : []),
    ...(signals.network ? [{ kind: 'network' as const, value: signals.network }] : []),
  ];
  await recordFingerprints(tx, input.acceptor.id, 'accept', prints, now);
  const facts = await acceptanceFacts(tx, { inviterId: inv.inviter_id, createdAt: inv.created_at }, input.acceptor, signals, now);
  const assessment = assessAcceptance(facts);
  await saveAssessments(
    tx,
    [
      {
        subject: 'acceptance',
        invitationId: input.invitationId,
        inviterId: inv.inviter_id,
        acceptorId: input.acceptor.id,
        recipientEmail: inv.recipient_email,
        assessment,
        queued: assessment.outcome !== 'allow',
      },
    ],
    now,
  );
  if (assessment.outcome === 'block') await exclude(tx, input.invitationId);
  await openReward(tx, { invitationId: input.invitationId, inviterId: inv.inviter_id, referredId: input.acceptor.id, acceptedAt: now, outcome: assessment.outcome });
  return assessment;
}
