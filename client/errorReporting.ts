/**
 * The PWA reports its own uncaught errors and unhandled promise rejections to the server
 * (`POST /api/client-errors`), where the owner sees them, counted, on /admin/alerts. Quietly: a
 * report that cannot go (offline, refused) is dropped, never retried or reported itself; the
 * same error goes once per page load; at most MAX_REPORTS_PER_MINUTE leave a page (the server
 * limits each user too). Paths are sent without query or invite code.
 */
import type { ClientErrorReport } from '../shared/alerts';
import { api } from './api';

export const MAX_REPORTS_PER_MINUTE = 5;

/** `/invite/<code>` names a secret: the report says `/invite/:code`. */
export const reportedPath = (pathname: string): string => pathname.replace(/^\/(invite|join)\/[^/]+/, '/$1/:code').slice(0, 300);

type Send = (report: ClientErrorReport) => Promise<unknown>;

/** Decides which reports go: once per error, a bounded number a minute. */
export function createReporter(send: Send, now: () => number = Date.now): (report: ClientErrorReport) => boolean {
  const seen = new Set<string>();
  let sent: number[] = [];
  return (report) => {
    const key = `${report.kind}|${report.message}|${report.stack?.split('\n')[1] ?? ''}`;
    if (seen.has(key)) return false;
    const t = now();
    sent = sent.filter((at) => t - at < 60_000);
    if (sent.length >= MAX_REPORTS_PER_MINUTE) return false;
    seen.add(key);
    sent.push(t);
    void send(report).catch(() => undefined);
    return true;
  };
}

function describe(reason: unknown): { message: string; stack?: string } {
  if (reason instanceof Error) return { message: `${reason.name}: ${reason.message}`, stack: reason.stack };
  return { message: typeof reason === 'string' ? reason : JSON.stringify(reason) ?? String(reason) };
}

/** Call once at start. */
export function installErrorReporting(target: Window = window): void {
  const report = createReporter((r) => api('POST', '/api/client-errors', r));
  const go = (kind: ClientErrorReport['kind'], what: { message: string; stack?: string }) =>
    report({
      kind,
      message: (what.message || 'unknown error').slice(0, 1000),
      ...(what.stack ? { stack: what.stack.slice(0, 8000) } : {}),
      path: reportedPath(target.location.pathname),
    });
  target.addEventListener('error', (e: ErrorEvent) => void go('error', e.error instanceof Error ? describe(e.error) : { message: e.message }));
  target.addEventListener('unhandledrejection', (e: PromiseRejectionEvent) => void go('unhandledrejection', describe(e.reason)));
}
