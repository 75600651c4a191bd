/**
 * Segments on the metrics publisher's passes (server/viral/metricsPublisher.ts):
 * - touched (METRICS_TOUCHED_MS after a write): the people the write named are re-evaluated
 *   alone, so their joins and leaves are recorded, and reach webhook subscribers through the
 *   outbox, within a second of the write (issue 7 point 11);
 * - slow (METRICS_SLOW_MS, and the periodic refresh): every segment for everyone, which also
 *   catches what time alone changes (the newly referred stop being new) and people a write
 *   changed without naming (a referrer's revenue).
 * Both write the owner's `segments` snapshot when something changed.
 */
import { snapshotIds } from '../../shared/analytics/snapshots';
import type { MetricsPublisher } from '../viral/metricsPublisher';
import { refreshSegments, refreshUsers, segmentsSnapshot } from './service';

export function installSegmentFeed(metrics: MetricsPublisher): void {
  metrics.addTouchedSource(async (db, userIds, now) => {
    const { changed } = await refreshUsers(db, userIds, now);
    return changed > 0 ? { id: snapshotIds.segments, kind: 'segments', data: await segmentsSnapshot(db) } : null;
  });
  metrics.addSource(async (db, now) => {
    await refreshSegments(db, now);
    return { id: snapshotIds.segments, kind: 'segments', data: await segmentsSnapshot(db) };
  });
}
