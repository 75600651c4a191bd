/**
 * Thompson-sampling mode: on a schedule, each running experiment in mode 'thompson' gets new
 * weights from its results (shared/experiments/results.ts `thompsonWeights`: probability of being
 * the best, with a floor). The weights are written in one transaction; a change marks the
 * metrics dirty, so the `experiments` snapshot carries them to every device, and offline
 * devices keep assigning with the last weights they have.
 */
import { thompsonWeights } from '../../shared/experiments/results';
import type { Db } from '../db/db';
import type { Logger } from '../log';
import { readVariantCounts, resultsWindow } from './results';
import { listExperiments } from './store';

export const BANDIT_EVERY_MS = 15 * 60_000;

/** Reweights every Thompson-mode experiment; returns the channels whose weights changed. */
export async function reweightExperiments(db: Db, now: Date): Promise<string[]> {
  const changed: string[] = [];
  for (const e of await listExperiments(db)) {
    if (e.mode !== 'thompson' || e.status !== 'running' || e.variants.length < 2) continue;
    const counts = await readVariantCounts(db, e, resultsWindow(e.startedAt, now));
    const weights = thompsonWeights(counts);
    if (weights.every((w, i) => w === e.variants[i]!.weight)) continue;
    await db.transaction(async (tx) => {
      for (const [i, v] of e.variants.entries()) {
        await tx.query('UPDATE experiment_variants SET weight = $3 WHERE channel = $1 AND name = $2', [e.channel, v.name, weights[i]]);
      }
      await tx.query('UPDATE experiments SET updated_at = $2 WHERE channel = $1', [e.channel, now]);
    });
    changed.push(e.channel);
  }
  return changed;
}

export function startBandit(db: Db, everyMs: number, onChange: () => void, log: Logger): () => void {
  const timer = setInterval(() => {
    reweightExperiments(db, new Date())
      .then((changed) => {
        if (changed.length > 0) {
          log.info({ channels: changed }, 'experiment weights moved (Thompson sampling)');
          onChange();
        }
      })
      .catch((err) => log.error({ err, job: 'bandit' }, 'experiment reweighting failed'));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
