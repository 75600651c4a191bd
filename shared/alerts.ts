/**
 * The health monitor's rules (issue 9, point 5), pure: what a reading of each condition means
 * (healthy, warning, critical) and how alerts follow the readings.
 *
 * Guarantees of `planAlerts` (property-tested in alerts.test.ts):
 * - at most one open alert per condition key;
 * - an unhealthy reading of a condition with no open alert opens one (a new id);
 * - evaluating again while it stays unhealthy opens nothing: the open alert keeps its id, its
 *   value follows the reading, and a change of severity is announced once;
 * - a healthy reading resolves the open alert; a later unhealthy reading opens a new one;
 * - a reading that could not be judged (`unknown`: too little data) changes nothing.
 *
 * The thresholds live here once: the server's monitor, the Prometheus rules in deploy/alerts.yml
 * (checked against these by a test) and the owner's screen use them.
 */
import { z } from 'zod';
import { MIN_PEOPLE } from './analytics/privacy';
import { K_HEALTHY, K_WARNING } from './viral';

export { K_HEALTHY, K_WARNING };

/** Average API latency over the last evaluation window, in ms. */
export const LATENCY_HEALTHY_MS = 200;
export const LATENCY_WARNING_MS = 500;
/** The database probe (`SELECT 1`), in ms: slower means a saturated pool or server. */
export const DB_PROBE_HEALTHY_MS = 100;
export const DB_PROBE_WARNING_MS = 1000;
/** Messages and webhook deliveries due now and not yet sent. */
export const BACKLOG_HEALTHY_MAX = 1000;
export const BACKLOG_WARNING_MAX = 10_000;
/** K is not judged over fewer inviters than the privacy minimum: one inviter is not a trend. */
export const K_MIN_INVITERS = MIN_PEOPLE;
/** The window whose K the monitor watches. */
export const K_ALERT_WINDOW_DAYS = 30;
export const MONITOR_DEFAULT_INTERVAL_S = 15;

/** Client error reports: per user (or address when signed out). */
export const CLIENT_ERROR_LIMIT = { points: 10, seconds: 60 } as const;

export const alertKeys = ['viral_k', 'api_latency', 'database', 'outbox_backlog', 'webhook_backlog', 'webhook_endpoints'] as const;
export const AlertKey = z.enum(alertKeys);
export type AlertKey = z.infer<typeof AlertKey>;

export const Level = z.enum(['healthy', 'warning', 'critical']);
export type Level = z.infer<typeof Level>;
export const Severity = z.enum(['warning', 'critical']);
export type Severity = z.infer<typeof Severity>;

/** What the owner reads: the condition in plain words. */
export const alertTitles: Record<AlertKey, string> = {
  viral_k: 'Viral coefficient K',
  api_latency: 'API response time',
  database: 'Database',
  outbox_backlog: 'Message outbox',
  webhook_backlog: 'Webhook deliveries',
  webhook_endpoints: 'Webhook endpoints',
};

export interface Reading {
  key: AlertKey;
  level: Level | 'unknown';
  /** The measured figure (K, ms, count); null when there is none (an error). */
  value: number | null;
  message: string;
}

/** Lower is better: healthy up to `healthy`, warning up to `warning`, else critical. */
const atMost = (value: number, healthy: number, warning: number): Level => (value <= healthy ? 'healthy' : value <= warning ? 'warning' : 'critical');

const round = (n: number, digits: number) => Number(n.toFixed(digits));

export function judgeK(k: number, inviters: number): Reading {
  if (inviters < K_MIN_INVITERS) {
    return { key: 'viral_k', level: 'unknown', value: null, message: `Too few inviters (${inviters}) to judge K.` };
  }
  const level: Level = k >= K_HEALTHY ? 'healthy' : k >= K_WARNING ? 'warning' : 'critical';
  const shown = round(k, 2);
  const message =
    level === 'healthy'
      ? `K is ${shown}: each inviter brings in at least ${K_HEALTHY} new people.`
      : level === 'warning'
        ? `K is ${shown}, below ${K_HEALTHY}: growth is slowing.`
        : `K is ${shown}, below ${K_WARNING}: invitations no longer replace the inviters.`;
  return { key: 'viral_k', level, value: round(k, 4), message };
}

export function judgeLatency(averageMs: number, requests: number): Reading {
  if (requests === 0) return { key: 'api_latency', level: 'healthy', value: 0, message: 'No API requests in the last window.' };
  const level = atMost(averageMs, LATENCY_HEALTHY_MS, LATENCY_WARNING_MS);
  const ms = Math.round(averageMs);
  const message =
    level === 'healthy'
      ? `API answers in ${ms} ms on average.`
      : `API answers in ${ms} ms on average (over ${requests} requests), above ${level === 'warning' ? LATENCY_HEALTHY_MS : LATENCY_WARNING_MS} ms.`;
  return { key: 'api_latency', level, value: round(averageMs, 1), message };
}

export function judgeDatabase(probe: { ms: number } | { error: string }): Reading {
  if ('error' in probe) return { key: 'database', level: 'critical', value: null, message: `The database does not answer: ${probe.error}` };
  const level = atMost(probe.ms, DB_PROBE_HEALTHY_MS, DB_PROBE_WARNING_MS);
  const ms = Math.round(probe.ms);
  return { key: 'database', level, value: round(probe.ms, 1), message: level === 'healthy' ? `The database answers in ${ms} ms.` : `The database is slow: ${ms} ms for a trivial query.` };
}

export function judgeBacklog(key: 'outbox_backlog' | 'webhook_backlog', due: number): Reading {
  const level = atMost(due, BACKLOG_HEALTHY_MAX, BACKLOG_WARNING_MAX);
  const what = key === 'outbox_backlog' ? 'messages' : 'webhook deliveries';
  return { key, level, value: due, message: level === 'healthy' ? `${due} ${what} waiting to go out.` : `${due} ${what} are due and not sent yet.` };
}

/** A failing endpoint may recover by itself (warning); a disabled one receives nothing (critical). */
export function judgeEndpoints(counts: { failing: number; disabled: number }): Reading {
  const level: Level = counts.disabled > 0 ? 'critical' : counts.failing > 0 ? 'warning' : 'healthy';
  const parts = [counts.disabled > 0 && `${counts.disabled} disabled (receiving nothing)`, counts.failing > 0 && `${counts.failing} failing`].filter(Boolean);
  return {
    key: 'webhook_endpoints',
    level,
    value: counts.failing + counts.disabled,
    message: level === 'healthy' ? 'Every webhook endpoint accepts its deliveries.' : `${parts.join(', ')}.`,
  };
}

export const AlertStatus = z.enum(['open', 'resolved']);
export const AlertView = z.object({
  id: z.string(),
  key: AlertKey,
  severity: Severity,
  status: AlertStatus,
  openedAt: z.string(),
  resolvedAt: z.string().nullable(),
  lastValue: z.number().nullable(),
  message: z.string(),
});
export type AlertView = z.infer<typeof AlertView>;

/** How an alert moved: also the ops webhook's event types (`alert.<change>`). */
export const AlertChangeKind = z.enum(['opened', 'changed', 'resolved']);
export type AlertChangeKind = z.infer<typeof AlertChangeKind>;

/** The open alerts the plan starts from. */
export type OpenAlert = Pick<AlertView, 'id' | 'key' | 'severity' | 'lastValue' | 'message'>;

export type AlertStep =
  | { kind: 'open'; key: AlertKey; severity: Severity; value: number | null; message: string }
  /** `announce`: the severity moved, so the owner and ops hear of it; else only the value is kept. */
  | { kind: 'update'; id: string; key: AlertKey; severity: Severity; value: number | null; message: string; announce: boolean }
  | { kind: 'resolve'; id: string; key: AlertKey; value: number | null; message: string };

/** What to do with the open alerts given new readings (the last reading of a key wins). */
export function planAlerts(open: readonly OpenAlert[], readings: readonly Reading[]): AlertStep[] {
  const latest = new Map(readings.map((r) => [r.key, r]));
  const openByKey = new Map(open.map((a) => [a.key, a]));
  const steps: AlertStep[] = [];
  for (const r of latest.values()) {
    if (r.level === 'unknown') continue;
    const current = openByKey.get(r.key);
    if (r.level === 'healthy') {
      if (current) steps.push({ kind: 'resolve', id: current.id, key: r.key, value: r.value, message: r.message });
      continue;
    }
    if (!current) {
      steps.push({ kind: 'open', key: r.key, severity: r.level, value: r.value, message: r.message });
      continue;
    }
    const announce = current.severity !== r.level;
    if (announce || current.lastValue !== r.value || current.message !== r.message) {
      steps.push({ kind: 'update', id: current.id, key: r.key, severity: r.level, value: r.value, message: r.message, announce });
    }
  }
  return steps;
}

/** Applies one alert's new state to a list (the screen's live updates): newest first, one row per id. */
export function mergeAlert(list: readonly AlertView[], alert: AlertView): AlertView[] {
  return [alert, ...list.filter((a) => a.id !== alert.id)];
}

export const ClientErrorReport = z.strictObject({
  kind: z.enum(['error', 'unhandledrejection']),
  message: z.string().min(1).max(1000),
  stack: z.string().max(8000).optional(),
  /** The page's path (no query: it may hold an invite code). */
  path: z.string().max(300),
  /** The app build, when known. */
  release: z.string().max(80).optional(),
});
export type ClientErrorReport = z.infer<typeof ClientErrorReport>;

export const ErrorSource = z.enum(['server', 'client']);
export const ErrorView = z.object({
  id: z.string(),
  source: ErrorSource,
  kind: z.string(),
  message: z.string(),
  count: z.number().int().positive(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  /** The latest occurrence's context: request id, route, user id, page. */
  context: z.record(z.string(), z.unknown()),
});
export type ErrorView = z.infer<typeof ErrorView>;

export const AlertsOverview = z.object({ open: z.array(AlertView), resolved: z.array(AlertView), errors: z.array(ErrorView) });
export type AlertsOverview = z.infer<typeof AlertsOverview>;
