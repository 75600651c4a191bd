/**
 * Analytics on a schedule: the counters' deltas are compacted every two seconds (and before
 * every snapshot refresh), the snapshots are recomputed every few minutes (windows slide at
 * midnight UTC with no write to mark them dirty), super-connectors are rescored hourly (their
 * recency boost decays with time), and the counters are checked against the raw rows nightly,
 * a drift being logged as an error with its size per table.
 */
import type { Db } from '../db/db';
import type { Logger } from '../log';
import { recomputeConnectors } from './connectors';
import { checkDrift } from './kRebuild';
import { compactCounters } from './kCounters';
import type { MetricsPublisher } from './metricsPublisher';

export const COMPACT_EVERY_MS = 2_000;
export const SNAPSHOT_EVERY_MS = 5 * 60_000;
export const CONNECTORS_EVERY_MS = 60 * 60_000;
export const DRIFT_EVERY_MS = 24 * 60 * 60_000;

export function startAnalyticsJobs(db: Db, metrics: MetricsPublisher, log: Logger): () => void {
  const run = (name: string, job: () => Promise<void>) => () => void job().catch((err) => log.error({ err, job: name }, 'analytics job failed'));
  const timers = [
    setInterval(run('compact', async () => void (await compactCounters(db))), COMPACT_EVERY_MS),
    setInterval(run('snapshots', async () => metrics.markDirty()), SNAPSHOT_EVERY_MS),
    setInterval(
      run('connectors', async () => {
        const { events } = await db.transaction((tx) => recomputeConnectors(tx, new Date()));
        if (events.length > 0) metrics.markDirty({ userIds: events.map((e) => e.inviterId!).filter(Boolean) });
      }),
      CONNECTORS_EVERY_MS,
    ),
    setInterval(
      run('drift', async () => {
        const report = await checkDrift(db);
        if (report.total > 0) log.error({ drift: report }, 'analytics counters drifted from the raw rows');
        else log.info({ ms: Math.round(report.ms) }, 'analytics counters match the raw rows');
      }),
      DRIFT_EVERY_MS,
    ),
  ];
  for (const t of timers) t.unref();
  return () => timers.forEach(clearInterval);
}
