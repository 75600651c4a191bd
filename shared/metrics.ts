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
 * What `GET /api/viral/coefficient` answers: the shown figures (DESIGN §8's shape, exactly the
 * `CoefficientSnapshot` the `coefficient.updated` webhook carries), or, over fewer than 5
 * inviters in the window (DESIGN §6), the same keys with every figure null and `suppressed: true`.
 */
export const CoefficientAnswer = z.union([
  z.strictObject(CoefficientSnapshot.shape),
  z.strictObject({
    k: z.null(),
    inviters: z.null(),
    sent: z.null(),
    accepted: z.null(),
    status: z.null(),
    windowDays: CoefficientSnapshot.shape.windowDays,
    computedAt: z.string(),
    suppressed: z.literal(true),
  }),
]);
export type CoefficientAnswer = z.infer<typeof CoefficientAnswer>;

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
