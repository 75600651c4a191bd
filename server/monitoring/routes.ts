/**
 * Monitoring's HTTP edge: `GET /metrics` (Prometheus text; loopback callers only unless
 * METRICS_TOKEN is set, then a bearer token from anywhere), `GET /api/admin/alerts` (the
 * owner's alerts and recorded errors) and `POST /api/client-errors` (the PWA's own errors,
 * small, rate-limited per user or, signed out, per address).
 */
import { timingSafeEqual } from 'node:crypto';
import express, { type Express, type Request } from 'express';
import { CLIENT_ERROR_LIMIT, ClientErrorReport, type AlertsOverview } from '../../shared/alerts';
import { ErrorCode } from '../../shared/errors';
import { requireRole } from '../auth/routes';
import type { Db } from '../db/db';
import { HttpError, parse } from '../http/errors';
import type { Live } from '../live/socket';
import { take, type LimiterStore } from '../limits/store';
import type { Logger } from '../log';
import { listAlerts } from './alertStore';
import { kindOf, listErrors, recordError } from './errorLog';
import { EXPOSITION_CONTENT_TYPE, exposition, type AppMetrics } from './metrics';
import { probeDatabase, readBacklogs, readEndpoints, readPlatformK } from './readings';

/** A client error report is a few kB at most; refused before it is parsed. */
export const CLIENT_ERROR_BODY_LIMIT = '16kb';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Loopback and not relayed by a proxy (a local proxy would make every caller look local). */
const isLocal = (req: Request) => LOOPBACK.has(req.socket.remoteAddress ?? '') && !req.get('x-forwarded-for') && !req.get('forwarded');

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function checkScraper(req: Request, token: string | undefined): void {
  if (!token) {
    if (!isLocal(req)) throw new HttpError(ErrorCode.FORBIDDEN, 'metrics answer local callers only: set METRICS_TOKEN to scrape from elsewhere');
    return;
  }
  const sent = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
  if (!sent || !sameSecret(sent, token)) throw new HttpError(ErrorCode.UNAUTHENTICATED, 'metrics need the bearer token (METRICS_TOKEN)');
}

/** The gauges read at scrape time; a database that fails leaves them as they were and says so. */
async function refreshGauges(db: Db, live: Live, m: AppMetrics): Promise<void> {
  m.sockets.set(live.io.engine.clientsCount);
  const probe = await probeDatabase(db);
  m.databaseUp.set('error' in probe ? 0 : 1);
  if ('error' in probe) return;
  m.databaseProbe.set(probe.ms / 1000);
  try {
    const [k, backlogs, endpoints] = await Promise.all([readPlatformK(db), readBacklogs(db), readEndpoints(db)]);
    for (const f of k) {
      const labels = { window_days: String(f.windowDays) };
      m.k.set(labels, f.k);
      m.inviters.set(labels, f.inviters);
      m.sent.set(labels, f.sent);
      m.accepted.set(labels, f.accepted);
      m.acceptanceRate.set(labels, f.acceptanceRate);
    }
    m.outboxBacklog.set(backlogs.outbox);
    m.webhookBacklog.set(backlogs.webhooks);
    m.webhookEndpoints.set({ state: 'failing' }, endpoints.failing);
    m.webhookEndpoints.set({ state: 'disabled' }, endpoints.disabled);
  } catch {
    m.databaseUp.set(0);
  }
}

export interface MonitoringRoutesDeps {
  db: Db;
  live: Live;
  log: Logger;
  metrics: AppMetrics;
  limits: LimiterStore;
  metricsToken?: string;
}

/** Before the API's own body parser, so a client error report has its own, smaller limit. */
export function installMonitoringEdge(app: Express, { db, live, metrics, metricsToken }: MonitoringRoutesDeps): void {
  app.get('/metrics', async (req, res) => {
    checkScraper(req, metricsToken);
    await refreshGauges(db, live, metrics);
    res.type(EXPOSITION_CONTENT_TYPE).send(await exposition(metrics));
  });
  app.use('/api/client-errors', express.json({ limit: CLIENT_ERROR_BODY_LIMIT }));
}

/** After the session middleware. */
export function installMonitoringRoutes(app: Express, { db, log, metrics, limits }: MonitoringRoutesDeps): void {
  const limiter = limits.limiter('client-errors', CLIENT_ERROR_LIMIT);

  app.get('/api/admin/alerts', async (req, res) => {
    requireRole(req, ['owner']);
    const [alerts, errors] = await Promise.all([listAlerts(db), listErrors(db)]);
    const body: AlertsOverview = { ...alerts, errors };
    res.json(body);
  });

  app.post('/api/client-errors', async (req, res) => {
    const report = parse(ClientErrorReport, req.body);
    const who = req.user ? `user:${req.user.id}` : `address:${req.ip}`;
    const taken = await take(limiter, who);
    if (!taken.ok) {
      throw new HttpError(ErrorCode.RATE_LIMITED, 'too many error reports for now', undefined, { 'Retry-After': String(taken.retryAfterS) });
    }
    const kind = kindOf(report.kind);
    metrics.errors.inc({ source: 'client', kind });
    await recordError(
      db,
      {
        source: 'client',
        kind,
        message: report.message,
        stack: report.stack,
        context: { requestId: req.id, userId: req.user?.id ?? null, path: report.path, release: report.release ?? null, userAgent: req.get('user-agent')?.slice(0, 200) ?? null },
      },
      req.log,
    );
    res.status(202).json({ recorded: true });
  });
}
