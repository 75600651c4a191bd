/**
 * Metrics snapshots: server-computed, pull-only documents the client caches so coordinators
 * and owners read the last figures offline. `GET /api/viral/coefficient` answers the K fields
 * of a platform snapshot in the shape DESIGN §8 fixes.
 */
import { z } from 'zod';
import { KStatus } from './viral';
import { MetricsKind, snapshotIds } from './analytics/snapshots';

export const CoefficientSnapshot = z.object({
  k: z.number().nonnegative(),
  inviters: z.number().int().nonnegative(),
  sent: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  windowDays: z.number().int().positive(),
  status: KStatus,
  computedAt: z.string(),
});
export type CoefficientSnapshot = z.infer<typeof CoefficientSnapshot>;

/**
 * A metrics snapshot as clients pull and cache it: an envelope around one kind of analytics
 * (shared/analytics/snapshots.ts holds the kinds and their data).
 */
export const MetricsDoc = z.object({
  id: z.string().max(80),
  kind: MetricsKind,
  computedAt: z.string(),
  data: z.record(z.string(), z.unknown()),
  rev: z.number().int().nonnegative(),
  _deleted: z.boolean(),
});
export type MetricsDoc = z.infer<typeof MetricsDoc>;

export function platformMetricsId(windowDays: number): string {
  return snapshotIds.platform(windowDays);
}
