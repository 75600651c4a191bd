/**
 * How the dashboards write figures, in plain words and the same way everywhere: K with two
 * decimals, rates as percentages, money in dollars, times as HH:MM, and the age of a snapshot
 * when it is no longer fresh. Pure: the clock is an argument.
 */
import { tierLabel, type ConnectorTier } from '../../../shared/analytics/superConnector';
import type { KStatus } from '../../../shared/viral';

export const NO_FIGURE = '—';

export function formatK(k: number | null): string {
  return k === null ? NO_FIGURE : k.toFixed(2);
}

export function formatPercent(rate: number | null): string {
  return rate === null ? NO_FIGURE : `${(rate * 100).toFixed(1)}%`;
}

export function formatCount(n: number | null): string {
  return n === null ? NO_FIGURE : n.toLocaleString('en-US');
}

/** A 95% interval as `low – high`. */
export function formatInterval(low: number | null, high: number | null): string {
  return low === null || high === null ? NO_FIGURE : `${low.toFixed(2)} – ${high.toFixed(2)}`;
}

/** `$1,650`, or `$1,650.50` when there are cents. */
export function formatDollars(amount: number): string {
  const cents = Math.round(amount * 100) % 100 !== 0;
  return `$${amount.toLocaleString('en-US', { minimumFractionDigits: cents ? 2 : 0, maximumFractionDigits: cents ? 2 : 0 })}`;
}

export function formatDays(days: number): string {
  const n = Number.isInteger(days) ? String(days) : days.toFixed(1);
  return `${n} ${days === 1 ? 'day' : 'days'}`;
}

export const statusWord: Record<KStatus, string> = { healthy: 'Healthy', warning: 'Warning', critical: 'Critical' };

/** `Super-Connector: Gold Tier` (DESIGN §8, kept exactly). */
export function tierText(tier: ConnectorTier): string {
  return `Super-Connector: ${tierLabel(tier)} Tier`;
}

const pad = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `HH:MM` in the device's time zone. */
export function clockTime(at: Date): string {
  return `${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** `3 Mar` from a `YYYY-MM-DD` day (a calendar day, no time zone involved). */
export function shortDay(day: string): string {
  const [, m, d] = day.split('-').map(Number);
  return `${d} ${MONTHS[(m ?? 1) - 1]}`;
}

/** Figures older than this are shown with their age. */
export const STALE_AFTER_MINUTES = 5;

function age(minutes: number): string {
  if (minutes < 60) return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
  return `${Math.floor(hours / 24)} days`;
}

export interface AsOf {
  /** `As of 14:05`, then the day when it is not today, then what a person should make of its age. */
  text: string;
  /** The figures may be out of date: offline, or old without a live connection to say otherwise. */
  stale: boolean;
}

/**
 * When a snapshot was computed, as a person reads it. The server rewrites a snapshot only when
 * its figures change, so online (live updates arriving) an old time means "nothing changed
 * since", not "out of date"; offline or still connecting, an old time is the figures' age.
 */
export function asOf(computedAt: string, now: Date, connection: 'online' | 'offline' | 'connecting'): AsOf {
  const at = new Date(computedAt);
  if (Number.isNaN(at.getTime())) return { text: 'As of an unknown time', stale: true };
  const minutes = Math.max(0, Math.floor((now.getTime() - at.getTime()) / 60_000));
  const old = minutes >= STALE_AFTER_MINUTES;
  let text = `As of ${clockTime(at)}`;
  if (at.toDateString() !== now.toDateString()) text += ` on ${at.getDate()} ${MONTHS[at.getMonth()]}`;
  if (connection === 'online') return { text: old ? `${text} · no change since, updating live` : text, stale: false };
  if (old) text += ` (${age(minutes)} ago)`;
  if (connection === 'offline') text += ' · offline, showing the last figures synced';
  return { text, stale: old || connection === 'offline' };
}
