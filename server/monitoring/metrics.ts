/**
 * Prometheus metrics (issue 9, point 4). Two registries, neither prom-client's global default:
 * - the process's (`processRegistry`): Node's default metrics (event loop lag, memory, CPU) and
 *   the counters other modules bump from anywhere (rate-limit refusals, fraud outcomes), which
 *   belong to the process whatever app instance caused them;
 * - one per app instance (`createAppMetrics`): HTTP, sync, sockets, backlogs, K, errors,
 *   alerts; so two apps in one test process each count their own.
 * `GET /metrics` answers both, one after the other.
 *
 * Route labels are the matched route pattern (`/api/sync/:collection/push`), never the raw
 * URL, so the number of series stays bounded.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const processRegistry = new Registry();
let defaultsCollected = false;

/** Call from the rate limiters: `rateLimitRefusals.inc({ scope: 'invitations' })`. */
export const rateLimitRefusals = new Counter({
  name: 'plusone_rate_limit_refusals_total',
  help: 'Requests or writes refused by a rate limit, by scope',
  labelNames: ['scope'] as const,
  registers: [processRegistry],
});

/** Call from the fraud checks: `fraudOutcomes.inc({ outcome: 'block' })` (allow, review, block). */
export const fraudOutcomes = new Counter({
  name: 'plusone_fraud_outcomes_total',
  help: 'Fraud check results on new invitations, by outcome (allow, review, block)',
  labelNames: ['outcome'] as const,
  registers: [processRegistry],
});

/** HTTP latency buckets, in seconds; 0.2 and 0.5 are the alert thresholds (shared/alerts.ts). */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10];

export function createAppMetrics() {
  if (!defaultsCollected) {
    collectDefaultMetrics({ register: processRegistry });
    defaultsCollected = true;
  }
  const registry = new Registry();
  const registers = [registry];
  const windowLabel = ['window_days'] as const;
  return {
    registry,
    httpRequests: new Counter({ name: 'http_requests_total', help: 'HTTP requests answered, by method, route pattern and status', labelNames: ['method', 'route', 'status'] as const, registers }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer HTTP requests, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: HTTP_BUCKETS,
      registers,
    }),
    syncRequests: new Counter({ name: 'plusone_sync_requests_total', help: 'Sync pushes and pulls, by collection and outcome (ok, refused, error)', labelNames: ['op', 'collection', 'outcome'] as const, registers }),
    syncRows: new Counter({ name: 'plusone_sync_rows_total', help: 'Rows pushed (by push outcome) and pulled, by collection', labelNames: ['op', 'collection', 'outcome'] as const, registers }),
    sockets: new Gauge({ name: 'plusone_sockets_connected', help: 'Socket.IO connections open on this process', registers }),
    outboxBacklog: new Gauge({ name: 'plusone_outbox_backlog', help: 'Messages due now and not sent yet (capped at 100000)', registers }),
    webhookBacklog: new Gauge({ name: 'plusone_webhook_backlog', help: 'Webhook deliveries due now and not sent yet (capped at 100000)', registers }),
    webhookEndpoints: new Gauge({ name: 'plusone_webhook_endpoints', help: 'Webhook endpoints failing (active, last attempts failed) or disabled', labelNames: ['state'] as const, registers }),
    databaseUp: new Gauge({ name: 'plusone_database_up', help: '1 when the database answered the last scrape or evaluation, else 0', registers }),
    databaseProbe: new Gauge({ name: 'plusone_database_probe_seconds', help: 'Time of the last trivial database query', registers }),
    k: new Gauge({ name: 'plusone_viral_k', help: 'Platform viral coefficient K (latest snapshot)', labelNames: windowLabel, registers }),
    inviters: new Gauge({ name: 'plusone_viral_inviters', help: 'Distinct inviters in the window (latest snapshot)', labelNames: windowLabel, registers }),
    sent: new Gauge({ name: 'plusone_viral_invitations_sent', help: 'Invitations created in the window (latest snapshot)', labelNames: windowLabel, registers }),
    accepted: new Gauge({ name: 'plusone_viral_invitations_accepted', help: 'Of those, accepted (latest snapshot)', labelNames: windowLabel, registers }),
    acceptanceRate: new Gauge({ name: 'plusone_viral_acceptance_rate', help: 'Accepted ÷ sent in the window (latest snapshot)', labelNames: windowLabel, registers }),
    errors: new Counter({ name: 'plusone_errors_total', help: 'Errors recorded, by source (server, client) and kind', labelNames: ['source', 'kind'] as const, registers }),
    alertsOpen: new Gauge({ name: 'plusone_alerts_open', help: 'Open alerts of the in-server monitor, by condition and severity', labelNames: ['key', 'severity'] as const, registers }),
    monitorEvaluations: new Counter({ name: 'plusone_monitor_evaluations_total', help: 'Health monitor evaluations, by result (ok, failed)', labelNames: ['result'] as const, registers }),
  };
}

export type AppMetrics = ReturnType<typeof createAppMetrics>;

/** Both registries in the Prometheus text format. */
export async function exposition(app: AppMetrics): Promise<string> {
  const [own, shared] = await Promise.all([app.registry.metrics(), processRegistry.metrics()]);
  return `${own}\n${shared}`;
}

export const EXPOSITION_CONTENT_TYPE = processRegistry.contentType;
