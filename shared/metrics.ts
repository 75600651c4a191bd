/**
 * Metrics snapshots: server-computed, pull-only documents the client caches so coordinators
 * and owners read the last figures offline. `GET /api/viral/coefficient` answers the same shape
 * as a snapshot's K fields.
 */
import { z } from 'zod';
import { KStatus } from './viral';

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

export const MetricsDoc = z.object({
  /** `platform:<windowDays>` */
  id: z.string().max(64),
  ...CoefficientSnapshot.shape,
  invitesPerInviter: z.number().nonnegative(),
  acceptanceRate: z.number().min(0).max(1),
  rev: z.number().int().nonnegative(),
  _deleted: z.boolean(),
});
export type MetricsDoc = z.infer<typeof MetricsDoc>;

export function platformMetricsId(windowDays: number): string {
  return `platform:${windowDays}`;
}
