/**
 * The committed model file (server/fraud/model.json, written by `npm run train:fraud`), read
 * once at start and checked against the shared schema and the feature list it must have been
 * trained on. A missing or mismatched file is not fatal: the rules alone judge (and the log
 * says why), so a change of features never stops the server.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { featureNames } from '../../shared/fraud/features';
import { FraudModel } from '../../shared/fraud/model';

export const MODEL_PATH = fileURLToPath(new URL('./model.json', import.meta.url));

export type ModelLoad = { model: FraudModel; problem: null } | { model: null; problem: string };

export function loadModel(path = MODEL_PATH): ModelLoad {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return { model: null, problem: `cannot read ${path}: ${(err as Error).message}` };
  }
  const parsed = FraudModel.safeParse(raw);
  if (!parsed.success) return { model: null, problem: `${path} is not a fraud model: ${parsed.error.issues[0]?.message}` };
  const m = parsed.data;
  const sameShape = m.features.length === featureNames.length && m.features.every((f, i) => f === featureNames[i]);
  if (!sameShape || m.weights.length !== m.features.length || m.means.length !== m.features.length || m.scales.length !== m.features.length) {
    return { model: null, problem: `${path} was trained on other features (retrain with npm run train:fraud)` };
  }
  return { model: m, problem: null };
}
