/** Plain words for the alerts screen: severities, figures by condition, how long an alert lasted. */
import { alertTitles, type AlertKey, type AlertView, type ErrorView } from '../../../shared/alerts';

export const severityWords: Record<AlertView['severity'], string> = {
  critical: 'Critical: needs action now',
  warning: 'Warning: keep an eye on it',
};

export const titleOf = (key: AlertKey): string => alertTitles[key];

/** The alert's last measured figure in the unit of its condition. */
export function figureOf(alert: Pick<AlertView, 'key' | 'lastValue'>): string | null {
  const v = alert.lastValue;
  if (v === null) return null;
  switch (alert.key) {
    case 'viral_k':
      return `K = ${v.toFixed(2)}`;
    case 'api_latency':
    case 'database':
      return `${Math.round(v)} ms`;
    case 'webhook_endpoints':
      return `${v} endpoint${v === 1 ? '' : 's'}`;
    default:
      return `${v} waiting`;
  }
}

/** "4 min", "2 h 5 min", "3 days": how long an alert was (or has been) open. */
export function durationText(fromIso: string, toIso: string): string {
  const minutes = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000));
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}

export const sourceWords: Record<ErrorView['source'], string> = { server: 'Server', client: 'App' };

/** Where an error happened, from its context: the route (server) or the page (client). */
export function whereOf(e: ErrorView): string {
  const c = e.context;
  const where = typeof c.route === 'string' ? `${typeof c.method === 'string' ? `${c.method} ` : ''}${c.route}` : typeof c.path === 'string' ? c.path : '';
  return where || '—';
}
