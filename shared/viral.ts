/**
 * The viral coefficient K (DESIGN §4). Over a window, K = accepted ÷ inviters, where
 * `accepted` counts invitations created in the window that were accepted and `inviters` counts
 * distinct users who created at least one invitation in the window. Equivalently K = i × c with
 * i = invitations per inviter and c = acceptance rate. With no inviters K is 0, not NaN.
 * Health: ≥ 1.2 healthy, ≥ 1.0 warning, else critical.
 */
import { z } from 'zod';

export const K_HEALTHY = 1.2;
export const K_WARNING = 1.0;
export const DEFAULT_WINDOW_DAYS = 30;
export const windowChoices = [7, 30, 90] as const;

export const KStatus = z.enum(['healthy', 'warning', 'critical']);
export type KStatus = z.infer<typeof KStatus>;

export interface KCounts {
  /** Invitations created in the window. */
  invited: number;
  /** Of those, accepted. */
  accepted: number;
  /** Distinct users who created at least one invitation in the window. */
  inviters: number;
}

export interface KParts {
  k: number;
  invitesPerInviter: number;
  acceptanceRate: number;
}

const isCount = (n: number) => Number.isInteger(n) && n >= 0;

/**
 * Throws a RangeError on counts that cannot come from one window: a non-count, more accepted
 * than invited, or inviters that do not match invitations (each inviter sent at least one, and
 * every invitation has an inviter).
 */
export function viralCoefficient(c: KCounts): KParts {
  const consistent =
    isCount(c.accepted) &&
    isCount(c.invited) &&
    isCount(c.inviters) &&
    c.accepted <= c.invited &&
    c.inviters <= c.invited &&
    (c.inviters > 0 || c.invited === 0);
  if (!consistent) throw new RangeError(`inconsistent counts: ${JSON.stringify(c)}`);
  if (c.inviters === 0) return { k: 0, invitesPerInviter: 0, acceptanceRate: 0 };
  return {
    k: c.accepted / c.inviters,
    invitesPerInviter: c.invited / c.inviters,
    acceptanceRate: c.accepted / c.invited,
  };
}

export function kStatus(k: number): KStatus {
  if (k >= K_HEALTHY) return 'healthy';
  if (k >= K_WARNING) return 'warning';
  return 'critical';
}
