/**
 * From facts to an outcome (issue 8, points 4 and 5): the rules' reasons and score, the model's
 * probability and top reasons, and the decision allow | review | block.
 *
 * Cut-offs (policy.ts): a rule score ≥ BLOCK_AT blocks, ≥ REVIEW_AT reviews. The model adds what
 * the rules miss: a probability ≥ MODEL_REVIEW_AT sends an otherwise allowed invitation to
 * review, but never blocks (only a rule, with its plain reason, refuses a person's write). The
 * score shown is the larger of the two. Acceptances are judged by the rules alone.
 */
import { featureLabels, invitationFeatures } from './features';
import { explain, predict, type FraudModel } from './model';
import { BLOCK_AT, MODEL_REVIEW_AT, REVIEW_AT } from './policy';
import type { Outcome } from './reasons';
import { acceptanceRules, combine, invitationRules, runRules, type AcceptanceFacts, type InvitationFacts, type Reason } from './rules';

export interface ModelReason {
  feature: string;
  label: string;
  contribution: number;
}

export interface Assessment {
  outcome: Outcome;
  /** max(rule score, model score), in [0, 1]. */
  score: number;
  ruleScore: number;
  modelScore: number | null;
  modelVersion: string | null;
  reasons: Reason[];
  /** The model's top reasons (largest positive contributions), when a model scored it. */
  modelReasons: ModelReason[];
}

/** The outcome a rule score alone gives. */
export function decide(score: number): Outcome {
  if (score >= BLOCK_AT) return 'block';
  if (score >= REVIEW_AT) return 'review';
  return 'allow';
}

export function assessInvitation(facts: InvitationFacts, model: FraudModel | null = null): Assessment {
  const reasons = runRules(invitationRules, facts);
  const ruleScore = combine(reasons);
  let outcome = decide(ruleScore);
  let modelScore: number | null = null;
  let modelReasons: ModelReason[] = [];
  if (model) {
    const x = invitationFeatures(facts);
    modelScore = predict(model, x);
    if (outcome === 'allow' && modelScore >= MODEL_REVIEW_AT) outcome = 'review';
    modelReasons = explain(model, x).map((c) => ({ ...c, label: featureLabels[c.feature] ?? c.feature }));
  }
  return { outcome, score: Math.max(ruleScore, modelScore ?? 0), ruleScore, modelScore, modelVersion: model?.version ?? null, reasons, modelReasons };
}

export function assessAcceptance(facts: AcceptanceFacts): Assessment {
  const reasons = runRules(acceptanceRules, facts);
  const ruleScore = combine(reasons);
  return { outcome: decide(ruleScore), score: ruleScore, ruleScore, modelScore: null, modelVersion: null, reasons, modelReasons: [] };
}

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface Quality extends Confusion {
  precision: number;
  recall: number;
  f1: number;
}

/** Precision, recall and F1 of flags against labels (precision 1 with no flags: nothing claimed). */
export function quality(flags: readonly boolean[], labels: readonly boolean[]): Quality {
  const c: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  flags.forEach((f, i) => {
    const y = labels[i]!;
    if (f && y) c.tp++;
    else if (f) c.fp++;
    else if (y) c.fn++;
    else c.tn++;
  });
  const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ...c, precision, recall, f1 };
}
