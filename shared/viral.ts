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

/**
 * Windows are whole UTC days ending today: a 30-day window is today and the 29 days before.
 * The counters serve any window of at most MAX_WINDOW_DAYS (migration 004).
 */
export const MAX_WINDOW_DAYS = 90;

export interface DayWindow {
  /** First day, `YYYY-MM-DD` (UTC). */
  start: string;
  /** Last day, inclusive. */
  end: string;
}

const DAY_MS = 86_400_000;
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);
export const addDays = (day: string, n: number): string => utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));

export function windowEnding(end: string, days: number): DayWindow {
  if (!Number.isInteger(days) || days < 1 || days > MAX_WINDOW_DAYS) throw new RangeError(`a window is 1..${MAX_WINDOW_DAYS} days, not ${days}`);
  return { start: addDays(end, -(days - 1)), end };
}

/** The last `weeks` whole weeks (Monday to Sunday) up to and including the current one, oldest first. */
export function weeklyCohorts(now: Date, weeks: number): DayWindow[] {
  const today = utcDay(now);
  const sinceMonday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
  const monday = addDays(today, -sinceMonday);
  return Array.from({ length: weeks }, (_, i) => {
    const start = addDays(monday, -7 * (weeks - 1 - i));
    return { start, end: addDays(start, 6) };
  });
}

/** Invitations that reached at least each stage, from counts of current statuses. Declining needs an opened invitation. */
export interface StatusCounts {
  queued: number;
  sent: number;
  delivered: number;
  opened: number;
  accepted: number;
  declined: number;
  cancelled: number;
}
export interface Funnel {
  invited: number;
  sent: number;
  delivered: number;
  opened: number;
  accepted: number;
}
export function funnel(c: StatusCounts): Funnel {
  const accepted = c.accepted;
  const opened = c.opened + accepted + c.declined;
  const delivered = c.delivered + opened;
  const sent = c.sent + delivered;
  return { invited: sent + c.queued + c.cancelled, sent, delivered, opened, accepted };
}
