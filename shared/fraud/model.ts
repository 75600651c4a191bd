/**
 * The invitation-fraud model: logistic regression with an L2 penalty, trained by mini-batch
 * gradient descent over standardised features. Small on purpose: a few dozen lines anyone can
 * check, a file of a few hundred bytes, and an explanation that is exact (a score is the sum of
 * its features' contributions, so the top reasons are the largest positive ones).
 *
 * Deterministic: the same rows, options and seed give the same weights (the batches are
 * shuffled by the seeded PRNG of shared/random.ts, nothing else is random).
 */
import { z } from 'zod';
import { createRng } from '../random';

export const FraudModel = z.object({
  /** Changes with every training run that writes the file (a date and a hash of the weights). */
  version: z.string().min(1),
  kind: z.literal('logistic_regression'),
  trainedAt: z.string(),
  features: z.array(z.string()).min(1),
  means: z.array(z.number()),
  scales: z.array(z.number().positive()),
  weights: z.array(z.number()),
  bias: z.number(),
  l2: z.number().nonnegative(),
  /** How it did on the held-out set when it was trained (for the README and the owner). */
  heldOut: z.record(z.string(), z.unknown()).optional(),
});
export type FraudModel = z.infer<typeof FraudModel>;

export interface TrainOptions {
  l2?: number;
  learningRate?: number;
  epochs?: number;
  batchSize?: number;
  seed?: number;
  /** Weigh the rarer class up so both count equally (fraud is rare). */
  balanced?: boolean;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function train(rows: readonly number[][], labels: readonly boolean[], names: readonly string[], o: TrainOptions = {}): Omit<FraudModel, 'version' | 'trainedAt'> {
  const { l2 = 0.01, learningRate = 0.3, epochs = 200, batchSize = 64, seed = 1, balanced = true } = o;
  if (rows.length === 0 || rows.length !== labels.length) throw new RangeError('train needs as many labels as rows, at least one');
  const d = names.length;
  if (rows.some((r) => r.length !== d)) throw new RangeError(`every row needs ${d} features`);
  const means = names.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
  // A constant feature gets scale 1 (it then contributes nothing once centred).
  const scales = names.map((_, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j]! - means[j]!) ** 2, 0) / rows.length) || 1);
  const xs = rows.map((r) => r.map((v, j) => (v - means[j]!) / scales[j]!));
  const positives = labels.filter(Boolean).length;
  const classWeight = (y: boolean) =>
    !balanced || positives === 0 || positives === rows.length ? 1 : rows.length / (2 * (y ? positives : rows.length - positives));
  const w = new Array<number>(d).fill(0);
  let b = 0;
  const rng = createRng(seed);
  const order = rows.map((_, i) => i);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const k = rng.int(0, i);
      [order[i], order[k]] = [order[k]!, order[i]!];
    }
    const rate = learningRate / (1 + epoch / 50);
    for (let start = 0; start < order.length; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      const gw = new Array<number>(d).fill(0);
      let gb = 0;
      for (const i of batch) {
        const x = xs[i]!;
        const err = (sigmoid(b + x.reduce((s, v, j) => s + v * w[j]!, 0)) - (labels[i] ? 1 : 0)) * classWeight(labels[i]!);
        for (let j = 0; j < d; j++) gw[j]! += err * x[j]!;
        gb += err;
      }
      for (let j = 0; j < d; j++) w[j] = w[j]! - rate * (gw[j]! / batch.length + l2 * w[j]!);
      b -= (rate * gb) / batch.length;
    }
  }
  return { kind: 'logistic_regression', features: [...names], means, scales, weights: w, bias: b, l2 };
}

type Scorer = Pick<FraudModel, 'means' | 'scales' | 'weights' | 'bias'>;

/** Each feature's share of the log-odds: weight × standardised value. */
export function contributions(m: Scorer, x: readonly number[]): number[] {
  return m.weights.map((w, j) => (w * ((x[j] ?? 0) - m.means[j]!)) / m.scales[j]!);
}

/** The probability of fraud. */
export function predict(m: Scorer, x: readonly number[]): number {
  return sigmoid(m.bias + contributions(m, x).reduce((s, c) => s + c, 0));
}

export interface Contribution {
  feature: string;
  /** Log-odds it added. */
  contribution: number;
}

/** The features that pushed this score up most (positive contributions only), largest first. */
export function explain(m: Scorer & Pick<FraudModel, 'features'>, x: readonly number[], top = 3): Contribution[] {
  return contributions(m, x)
    .map((contribution, j) => ({ feature: m.features[j]!, contribution }))
    .filter((c) => c.contribution > 0)
    .sort((a, b) => b.contribution - a.contribution || a.feature.localeCompare(b.feature))
    .slice(0, top);
}
