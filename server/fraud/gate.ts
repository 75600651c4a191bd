/**
 * The fraud gate on new invitations (server/sync/gates.ts; first of the gates, so a blocked
 * invitation never spends a rate-limit allowance). For each new invitation of a push it reads
 * the facts, judges them with the shared rules and model, and:
 * - block: refuses it with FRAUD_BLOCKED and every reason in plain words (the inviter's device
 *   keeps it with that reason, REF1); its assessment is recorded, nothing else is written;
 * - review: lets it through and puts it in the owner's queue;
 * - allow: lets it through.
 * The inviter's device is recorded as a fingerprint of theirs once the rows are written.
 */
import { assessInvitation, type Assessment } from '../../shared/fraud/assess';
import { invitationFeatures } from '../../shared/fraud/features';
import type { FraudModel } from '../../shared/fraud/model';
import { blockMessage } from '../../shared/fraud/reasons';
import { ErrorCode } from '../../shared/errors';
import type { CreateGate, GateRefusal } from '../sync/gates';
import { invitationFacts, recordFingerprints } from './facts';
import { saveAssessments, type AssessmentRecord } from './store';

export interface FraudGateDeps {
  /** The model in use (null: rules alone). Read on every push, so a reload takes effect at once. */
  model(): FraudModel | null;
  /** Called with each outcome (metrics, logs). */
  onAssessed?(outcome: Assessment['outcome']): void;
}

export function fraudGate(deps: FraudGateDeps): CreateGate {
  /** Judgements of admitted invitations waiting for their rows, per transaction (gone with it, even when a later gate refuses some). */
  const judgedIn = new WeakMap<object, Map<string, AssessmentRecord>>();
  return {
    async admit(tx, user, creates, now) {
      const facts = await invitationFacts(tx, user, creates, now);
      const model = deps.model();
      const refused = new Map<string, GateRefusal>();
      const judged = judgedIn.get(tx) ?? new Map<string, AssessmentRecord>();
      judgedIn.set(tx, judged);
      const blocked: AssessmentRecord[] = [];
      creates.forEach((c, i) => {
        const f = facts[i]!;
        const assessment = assessInvitation(f, model);
        deps.onAssessed?.(assessment.outcome);
        const record: AssessmentRecord = {
          subject: 'invitation',
          invitationId: c.id,
          inviterId: user.id,
          recipientEmail: c.recipientEmail,
          assessment,
          features: invitationFeatures(f),
          queued: assessment.outcome === 'review',
        };
        if (assessment.outcome === 'block') {
          refused.set(c.id, { code: ErrorCode.FRAUD_BLOCKED, message: blockMessage(assessment.reasons) });
          blocked.push(record);
        } else {
          judged.set(c.id, record);
        }
      });
      await saveAssessments(tx, blocked, now);
      return refused;
    },
    async inserted(tx, user, docs, now) {
      const judged = judgedIn.get(tx);
      const records = docs.map((d) => judged?.get(d.id)).filter((r): r is AssessmentRecord => r !== undefined);
      judgedIn.delete(tx);
      await saveAssessments(tx, records, now);
      const devices = [...new Set(docs.map((d) => d.deviceId))];
      await recordFingerprints(tx, user.id, 'invite', devices.map((value) => ({ kind: 'device' as const, value })), now);
    },
  };
}
