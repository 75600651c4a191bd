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
import { acceptanceFactsOf, recordFingerprints, type AcceptanceSignals } from './facts';
import { exclude } from './review';
import { openRewards } from './rewards';
import { saveAssessments } from './store';

export interface AcceptanceInput {
  invitationId: string;
  acceptor: { id: string; email: string };
  signals?: AcceptanceSignals;
  now?: Date;
}

export async function judgeAcceptance(tx: Queryable, input: AcceptanceInput): Promise<Assessment | null> {
  return (await judgeAcceptances(tx, [input], input.now ?? new Date()))[0]!;
}

/**
 * Judges the acceptances of one write together, in a fixed number of statements whatever their
 * count; null for an invitation that is not accepted. Each acceptor's fingerprints are recorded
 * before the facts are read (a farm counts the acceptance itself).
 */
export async function judgeAcceptances(tx: Queryable, inputs: readonly AcceptanceInput[], now: Date): Promise<(Assessment | null)[]> {
  if (inputs.length === 0) return [];
  const invs = new Map(
    (
      await tx.query<{ id: string; inviter_id: string; created_at: Date; recipient_email: string }>(
        `SELECT id, inviter_id, created_at, recipient_email FROM invitations WHERE id = ANY($1::uuid[]) AND status = 'accepted'`,
        [inputs.map((i) => i.invitationId)],
      )
    ).map((r) => [r.id, r]),
  );
  const judged = inputs.filter((i) => invs.has(i.invitationId));
  const printsOf = new Map<string, Map<string, { kind: 'device' | 'network'; value: string }>>();
  for (const { acceptor, signals = {} } of judged) {
    const prints = printsOf.get(acceptor.id) ?? new Map();
    if (signals.deviceId) prints.set(`device:${signals.deviceId}`, { kind: 'device', value: signals.deviceId });
    if (signals.network) prints.set(`network:${signals.network}`, { kind: 'network', value: signals.network });
    printsOf.set(acceptor.id, prints);
  }
  for (const [acceptorId, prints] of printsOf) await recordFingerprints(tx, acceptorId, 'accept', [...prints.values()], now);
  const facts = await acceptanceFactsOf(
    tx,
    judged.map((i) => {
      const inv = invs.get(i.invitationId)!;
      return { inv: { inviterId: inv.inviter_id, createdAt: inv.created_at }, acceptor: i.acceptor, signals: i.signals ?? {} };
    }),
    now,
  );
  const outcomes = new Map(judged.map((i, k) => [i.invitationId, assessAcceptance(facts[k]!)]));
  await saveAssessments(
    tx,
    judged.map((i) => {
      const inv = invs.get(i.invitationId)!;
      const assessment = outcomes.get(i.invitationId)!;
      return {
        subject: 'acceptance' as const,
        invitationId: i.invitationId,
        inviterId: inv.inviter_id,
        acceptorId: i.acceptor.id,
        recipientEmail: inv.recipient_email,
        assessment,
        queued: assessment.outcome !== 'allow',
      };
    }),
    now,
  );
  for (const i of judged) if (outcomes.get(i.invitationId)!.outcome === 'block') await exclude(tx, i.invitationId);
  await openRewards(
    tx,
    judged.map((i) => ({ invitationId: i.invitationId, inviterId: invs.get(i.invitationId)!.inviter_id, referredId: i.acceptor.id, acceptedAt: now, outcome: outcomes.get(i.invitationId)!.outcome })),
  );
  return inputs.map((i) => outcomes.get(i.invitationId) ?? null);
}
