/**
 * `npm run train:fraud`: trains the invitation-fraud model and writes server/fraud/model.json.
 *
 * Data: the labelled world of server/demo/fraud.ts (planted fraud patterns among ordinary
 * inviting), replayed into the rules' facts (replay.ts) and the model's features; plus, when
 * DATABASE_URL is set, the owner's review decisions (fraud_labels: cleared = legitimate,
 * confirmed = fraud) with the features stored when each was judged. Split by inviter (an
 * inviter's invitations are all on one side, so the held-out set has inviters the model never
 * saw), 70 / 30, by a hash of the id. Prints precision, recall and F1 on the held-out set for the
 * rules alone, the model alone, and the policy (rules, with the model able to add reviews).
 *
 *   npm run train:fraud [-- --seed N --dry-run]
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { assessInvitation, quality, type Quality } from '../../shared/fraud/assess';
import { featureNames, invitationFeatures } from '../../shared/fraud/features';
import { predict, train, type FraudModel } from '../../shared/fraud/model';
import { MODEL_REVIEW_AT, REVIEW_AT } from '../../shared/fraud/policy';
import { planFraudWorld } from '../demo/fraud';
import { MODEL_PATH } from './modelFile';
import { replayFacts } from './replay';

export interface Example {
  group: string;
  x: number[];
  fraud: boolean;
  /** The rules' score (null for database labels, judged before: their rule hits are features already). */
  ruleScore: number | null;
}

/** Examples from the labelled world: features, labels, and the rules' verdict for comparison. */
export function worldExamples(seed: number): Example[] {
  const world = planFraudWorld({ seed });
  const facts = replayFacts(world);
  return world.invitations.map((inv, i) => ({
    group: inv.inviterId,
    x: invitationFeatures(facts[i]!),
    fraud: inv.fraud,
    ruleScore: assessInvitation(facts[i]!).ruleScore,
  }));
}

/** The owner's review decisions on invitations, when a database is configured. */
async function reviewExamples(url: string | undefined): Promise<Example[]> {
  if (!url) return [];
  const { openPostgres } = await import('../db/postgres');
  const db = openPostgres(url, 1);
  try {
    const rows = await db.query<{ assessment_id: string; fraud: boolean; features: number[] }>(
      `SELECT l.assessment_id, l.fraud, l.features FROM fraud_labels l WHERE l.subject = 'invitation' AND l.features IS NOT NULL`,
    );
    return rows.filter((r) => r.features.length === featureNames.length).map((r) => ({ group: r.assessment_id, x: r.features, fraud: r.fraud, ruleScore: null }));
  } catch {
    return []; // a database without migration 014 has no labels yet
  } finally {
    await db.close();
  }
}

const heldOut = (group: string) => createHash('sha256').update(group).digest()[0]! < 256 * 0.3;

export interface TrainReport {
  model: FraudModel;
  trainSize: number;
  testSize: number;
  reviewLabels: number;
  rules: Quality;
  model_: Quality;
  policy: Quality;
}

export function trainOn(examples: readonly Example[], seed: number, reviewLabels = 0): TrainReport {
  const trainSet = examples.filter((e) => !heldOut(e.group));
  const testSet = examples.filter((e) => heldOut(e.group) && e.ruleScore !== null);
  const fitted = train(trainSet.map((e) => e.x), trainSet.map((e) => e.fraud), featureNames, { seed });
  const hash = createHash('sha256').update(JSON.stringify([fitted.weights, fitted.bias])).digest('hex').slice(0, 8);
  const labels = testSet.map((e) => e.fraud);
  const byRules = testSet.map((e) => e.ruleScore! >= REVIEW_AT);
  const byModel = testSet.map((e) => predict(fitted, e.x) >= MODEL_REVIEW_AT);
  const report = {
    trainSize: trainSet.length,
    testSize: testSet.length,
    reviewLabels,
    rules: quality(byRules, labels),
    model_: quality(byModel, labels),
    policy: quality(byRules.map((r, i) => r || byModel[i]!), labels),
  };
  const round = (q: Quality) => ({ precision: +q.precision.toFixed(3), recall: +q.recall.toFixed(3), f1: +q.f1.toFixed(3) });
  const model: FraudModel = {
    ...fitted,
    version: `${new Date().toISOString().slice(0, 10)}-${hash}`,
    trainedAt: new Date().toISOString(),
    heldOut: { size: report.testSize, rules: round(report.rules), model: round(report.model_), policy: round(report.policy) },
  };
  return { model, ...report };
}

export function reportTable(r: TrainReport): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`.padStart(7);
  const row = (name: string, q: Quality) => `| ${name.padEnd(34)} | ${pct(q.precision)} | ${pct(q.recall)} | ${pct(q.f1)} | ${String(q.tp).padStart(4)} | ${String(q.fp).padStart(4)} | ${String(q.fn).padStart(4)} |`;
  return [
    `model ${r.model.version}: trained on ${r.trainSize} invitations (${r.reviewLabels} from reviews), held out ${r.testSize}`,
    `| ${'flagged (review or block) by'.padEnd(34)} | precis. |  recall |      F1 |   TP |   FP |   FN |`,
    `|${'-'.repeat(36)}|---------|---------|---------|------|------|------|`,
    row(`rules alone (score >= ${REVIEW_AT})`, r.rules),
    row(`model alone (p >= ${MODEL_REVIEW_AT})`, r.model_),
    row('policy (rules + model reviews)', r.policy),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seed: { type: 'string', default: '8' }, 'dry-run': { type: 'boolean', default: false } } });
  const seed = Number(values.seed);
  const reviews = await reviewExamples(process.env.DATABASE_URL);
  const report = trainOn([...worldExamples(seed), ...reviews], seed, reviews.length);
  console.log(reportTable(report));
  if (!values['dry-run']) {
    writeFileSync(MODEL_PATH, `${JSON.stringify(report.model, null, 2)}\n`);
    console.log(`wrote ${MODEL_PATH}`);
  }
}

if (process.argv[1]?.endsWith('fraud/train.ts')) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
