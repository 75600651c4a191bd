/**
 * The integrations screen's words, pure so they are tested without a browser: when something
 * happened, what an attempt got back, where an endpoint stands, and the notice for a disabled one.
 */
import type { AttemptView, EndpointNotice, EndpointView } from '../../../shared/integrations/webhooks';

/** `25 Nov, 14:05:03` in the reader's time zone. */
export function when(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** `200 · 12 ms`, `HTTP 500 · 8 ms`, `ECONNREFUSED: …`. */
export function attemptResult(a: Pick<AttemptView, 'ok' | 'responseStatus' | 'error' | 'latencyMs'>): string {
  const what = a.ok ? String(a.responseStatus) : (a.error ?? `HTTP ${a.responseStatus}`);
  return a.latencyMs === null ? what : `${what} · ${a.latencyMs} ms`;
}

/** What the delivery holds now: delivered, given up, or when it is tried next. */
export function deliveryText(a: Pick<AttemptView, 'deliveryStatus' | 'nextAttemptAt'>): string {
  if (a.deliveryStatus === 'succeeded') return 'Delivered';
  if (a.deliveryStatus === 'failed') return 'Given up';
  return a.nextAttemptAt ? `Retry ${when(a.nextAttemptAt)}` : 'Retrying';
}

export function endpointStatusText(e: Pick<EndpointView, 'status' | 'failingSince'>): string {
  if (e.status === 'disabled') return 'Disabled';
  return e.failingSince ? `Failing since ${when(e.failingSince)}` : 'Active';
}

export function noticeText(n: EndpointNotice): string {
  return `${n.url} was disabled on ${when(n.disabledAt)}: ${n.reason}. Fix the receiver, then enable it again.`;
}

/** The first characters of an id, enough to tell events apart in a table. */
export const shortId = (id: string) => (id.length > 13 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id);
