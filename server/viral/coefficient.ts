/**
 * K on the server, from the invitations table, with the shared formula. This is the walking
 * skeleton's reading: a count over the window by `counted_at` (the device's capture time when
 * plausible, shared/capture.ts). The analytics issue replaces the read with incremental
 * counters; the formula and the snapshot shape stay.
 */
import type { CoefficientSnapshot, MetricsDoc } from '../../shared/metrics';
import { platformMetricsId } from '../../shared/metrics';
import { kStatus, viralCoefficient, type KCounts } from '../../shared/viral';
import type { Queryable } from '../db/db';

export async function readKCounts(db: Queryable, windowDays: number): Promise<KCounts> {
  const rows = await db.query<KCounts>(
    `SELECT count(*)::int AS invited,
            count(*) FILTER (WHERE status = 'accepted')::int AS accepted,
            count(DISTINCT inviter_id)::int AS inviters
       FROM invitations
      WHERE NOT deleted AND counted_at >= now() - make_interval(days => $1)`,
    [windowDays],
  );
  return rows[0] ?? { invited: 0, accepted: 0, inviters: 0 };
}

export type PlatformMetrics = Omit<MetricsDoc, 'rev' | '_deleted'>;

export function toPlatformMetrics(windowDays: number, counts: KCounts, at: Date): PlatformMetrics {
  const parts = viralCoefficient(counts);
  return {
    id: platformMetricsId(windowDays),
    k: parts.k,
    invitesPerInviter: parts.invitesPerInviter,
    acceptanceRate: parts.acceptanceRate,
    inviters: counts.inviters,
    sent: counts.invited,
    accepted: counts.accepted,
    windowDays,
    status: kStatus(parts.k),
    computedAt: at.toISOString(),
  };
}

export function toCoefficientSnapshot(m: PlatformMetrics): CoefficientSnapshot {
  const { k, inviters, sent, accepted, windowDays, status, computedAt } = m;
  return { k, inviters, sent, accepted, windowDays, status, computedAt };
}
