/**
 * Installs monitoring into the app (issue 9, points 4–6): request ids, logs and RED metrics on
 * every request (first middleware), `/metrics`, the client error reports and the owner's
 * alerts API, the record of server errors, and the health monitor, which starts with the server.
 */
import type { Express } from 'express';
import type { Config } from '../config';
import type { Db } from '../db/db';
import type { ServerErrorListener } from '../http/errors';
import type { Live } from '../live/socket';
import type { LimiterStore } from '../limits/store';
import type { Logger } from '../log';
import { kindOf, recordError } from './errorLog';
import { createAppMetrics, type AppMetrics } from './metrics';
import { Monitor } from './monitor';
import { LatencyWindow, requestContext, routePattern } from './requestContext';
import { installMonitoringEdge, installMonitoringRoutes } from './routes';

export interface MonitoringDeps {
  config: Config;
  db: Db;
  live: Live;
  log: Logger;
  limits: LimiterStore;
}

export interface Monitoring {
  metrics: AppMetrics;
  monitor: Monitor;
  /** Install after the session middleware: the owner's alerts and the client error reports. */
  installRoutes(): void;
  /** For the error handler: records and counts an unexpected error with its request's context. */
  serverError: ServerErrorListener;
}

/** Install first: every later middleware and route runs inside the request's context. */
export function installMonitoring(app: Express, { config, db, live, log, limits }: MonitoringDeps): Monitoring {
  const metrics = createAppMetrics();
  const latency = new LatencyWindow();
  app.use(requestContext(log, metrics, latency));
  const deps = { db, live, log, metrics, limits, metricsToken: config.METRICS_TOKEN };
  installMonitoringEdge(app, deps);
  const ops =
    config.OPS_WEBHOOK_URL && config.OPS_WEBHOOK_SECRET
      ? { url: config.OPS_WEBHOOK_URL, secret: config.OPS_WEBHOOK_SECRET, timeoutMs: config.WEBHOOK_TIMEOUT_MS }
      : undefined;
  const monitor = new Monitor({ db, live, log, metrics, latency, intervalS: config.MONITOR_INTERVAL_S, ops });
  return {
    metrics,
    monitor,
    installRoutes: () => installMonitoringRoutes(app, deps),
    serverError(err, req) {
      const e = err instanceof Error ? err : new Error(String(err));
      // A driver's error class (DatabaseError) says more than its `name`.
      const kind = kindOf(e.constructor !== Error ? e.constructor.name : e.name);
      metrics.errors.inc({ source: 'server', kind });
      const context = { requestId: req.id, method: req.method, route: routePattern(req) ?? req.path, userId: req.user?.id ?? null };
      void recordError(db, { source: 'server', kind, message: e.message || kind, stack: e.stack, context }, req.log ?? log);
    },
  };
}
