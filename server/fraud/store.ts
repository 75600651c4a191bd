/**
 * Assessments in the database (migration 014): one row per judged invitation or acceptance,
 * with its score, outcome, reasons, the model's version and top reasons, and its place in the
 * owner's review queue (pending when it was held for review, or an acceptance was blocked).
 * A refused invitation retried is judged again and its row updated, never duplicated.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Assessment } from '../../shared/fraud/assess';
import type { Queryable } from '../db/db';
import { prepared } from '../db/prepared';

export interface AssessmentRecord {
  subject: 'invitation' | 'acceptance';
  invitationId: string;
  inviterId: string;
  acceptorId?: string | null;
  recipientEmail: string;
  assessment: Assessment;
  /** The model's features (invitations), kept so a review's decision becomes a training label. */
  features?: number[] | null;
  /** Whether it goes to the owner's queue. */
  queued: boolean;
}

export async function saveAssessments(tx: Queryable, records: readonly AssessmentRecord[], now: Date): Promise<void> {
  if (records.length === 0) return;
  await tx.query(
    prepared(`INSERT INTO fraud_assessments (id, subject, invitation_id, inviter_id, acceptor_id, recipient_email, outcome, score, rule_score,
        model_score, model_version, reasons, model_reasons, features, review_state, created_at)
     SELECT r.id, r.subject, r.invitation_id, r.inviter_id, r.acceptor_id, r.recipient_email, r.outcome, r.score, r.rule_score,
        r.model_score, r.model_version, r.reasons, r.model_reasons, r.features, r.review_state, $2
       FROM json_to_recordset($1::json) AS r(id uuid, subject text, invitation_id uuid, inviter_id text, acceptor_id text,
        recipient_email text, outcome text, score float8, rule_score float8, model_score float8, model_version text,
        reasons jsonb, model_reasons jsonb, features jsonb, review_state text)
     ON CONFLICT (subject, invitation_id) DO UPDATE SET outcome = EXCLUDED.outcome, score = EXCLUDED.score,
        rule_score = EXCLUDED.rule_score, model_score = EXCLUDED.model_score, model_version = EXCLUDED.model_version,
        reasons = EXCLUDED.reasons, model_reasons = EXCLUDED.model_reasons, features = EXCLUDED.features,
        review_state = CASE WHEN fraud_assessments.review_state IN ('cleared', 'confirmed') THEN fraud_assessments.review_state ELSE EXCLUDED.review_state END,
        created_at = EXCLUDED.created_at`),
    [
      JSON.stringify(
        records.map((r) => ({
          id: uuidv7(),
          subject: r.subject,
          invitation_id: r.invitationId,
          inviter_id: r.inviterId,
          acceptor_id: r.acceptorId ?? null,
          recipient_email: r.recipientEmail,
          outcome: r.assessment.outcome,
          score: r.assessment.score,
          rule_score: r.assessment.ruleScore,
          model_score: r.assessment.modelScore,
          model_version: r.assessment.modelVersion,
          reasons: r.assessment.reasons,
          model_reasons: r.assessment.modelReasons,
          features: r.features ?? null,
          review_state: r.queued ? 'pending' : 'none',
        })),
      ),
      now,
    ],
  );
}
