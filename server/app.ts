/**
 * The app factory: builds Express, Socket.IO and the background pieces from a validated config
 * and an open database, and returns them, so tests start a real server on port 0 and close it.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { installAuth, sessionMiddleware } from './auth/routes';
import type { Config } from './config';
import type { Db } from './db/db';
import { setFaults } from './faults';
import { errorHandler, notFound } from './http/errors';
import { strictApiInput } from './http/input';
import { installDelivery, type Delivery } from './delivery';
import { installHealth } from './http/health';
import { installStatic } from './http/static';
import { csrfGuard, securityHeaders, socketOriginCheck } from './http/security';
import { signInThrottle } from './auth/throttle';
import { installLive, type Live } from './live/socket';
import { installMonitoring, type Monitoring } from './monitoring/install';
import { installRequestLimits } from './limits/http';
import { invitationLimitGate, refundOnRollback } from './limits/invitations';
import { limiterStore, type LimiterStore } from './limits/store';
import type { Logger } from './log';
import type { Redis } from './redis';
import { installExperiments } from './experiments/routes';
import { installSegments } from './segments/routes';
import { installSegmentFeed } from './segments/feed';
import type { CreateGate } from './sync/gates';
import { installFraud } from './fraud/routes';
import { installSync } from './sync/routes';
import { MetricsPublisher } from './viral/metricsPublisher';
import { startAnalyticsJobs } from './viral/jobs';
import { recomputeConnectors } from './viral/connectors';
import { installViral } from './viral/routes';
import { installBookings } from './bookings/routes';
import { installWebhooks } from './webhooks/install';
import { installPrivacy } from './privacy/routes';

export interface AppDeps {
  config: Config;
  db: Db;
  log: Logger;
  /** Set when REDIS_URL is: shared rate-limit counters (and, with several processes, broadcasts). */
  redis?: Redis;
}

export interface PlusOneApp {
  app: express.Express;
  httpServer: HttpServer;
  live: Live;
  metrics: MetricsPublisher;
  /** Rate-limit counters, shared by every process on the same Redis or database. */
  limits: LimiterStore;
  /** The outbox workers, channel adapters and (demo, tests) local provider peers. */
  delivery: Delivery;
  /** Prometheus metrics and the health monitor (server/monitoring). */
  monitoring: Monitoring;
  /** Listens and resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

export function createApp({ config, db, log, redis }: AppDeps): PlusOneApp {
  setFaults({ enabled: new Set(config.TEST_FAULTS), commitDelayMs: config.TEST_COMMIT_DELAY_MS });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  // Security headers and CSP on every answer; CSRF refused on /api, cross-origin sockets refused (http/security.ts).
  const security = { trustProxy: config.TRUST_PROXY, publicUrl: config.PUBLIC_URL };
  app.use(securityHeaders(security));
  const httpServer = createServer(app);
  const limits = limiterStore(db, redis);
  const live = installLive(httpServer, db, { allowRequest: socketOriginCheck(security), everyoneEveryMs: config.METRICS_EVERYONE_MS });
  const metrics = new MetricsPublisher(db, config.METRICS_COALESCE_MS, (docs) => live.metricsUpdated(docs), log, config.METRICS_SLOW_MS, config.METRICS_TOUCHED_MS);
  metrics.onEvents = (events) => live.eventsCreated(events);
  // Request ids, logs and metrics around every request below; /metrics (server/monitoring).
  const monitoring = installMonitoring(app, { config, db, live, log, limits });

  const stopJobs = startAnalyticsJobs(db, metrics, log);

  installHealth(app, db, redis);
  app.use('/api', csrfGuard(security));
  app.use('/api', express.json({ limit: '2mb' }));
  // A query or a body sent to a route that takes none is refused before any route runs (http/input.ts).
  app.use('/api', strictApiInput());
  app.use('/api', sessionMiddleware(db));
  installAuth(app, {
    db,
    sessionDays: config.SESSION_DAYS,
    secureCookies: config.SECURE_COOKIES,
    publicUrl: config.PUBLIC_URL,
    throttle: signInThrottle(limits),
    sessionEnded: (token) => live.endSession(token),
  });
  // Checks every new invitation passes in a push, in this order (server/sync/gates.ts).
  const gates: CreateGate[] = [];
  // Fraud first: a blocked invitation never spends a rate-limit allowance (server/fraud/gate.ts).
  const fraud = installFraud(app, { db, live, metrics, log });
  if (config.TEST_FRAUD_GATE === 'on') gates.push(fraud.gate);
  // Rate limits (issue 8; TEST_RATE_LIMITS=off lifts them in suites about something else).
  const limited = config.TEST_RATE_LIMITS === 'on';
  // A rolled-back push gives back the invitation allowance it took (Redis counts outside the transaction).
  installSync(app, { db: refundOnRollback(db), live, metrics, gates });
  if (limited) installRequestLimits(app, limits);
  installViral(app, db, metrics);
  installBookings(app, { db, metrics });
  installSegments(app, { db, onChange: () => metrics.markDirty() });
  installSegmentFeed(metrics);
  const stopExperiments = installExperiments(app, { db, metrics, log });
  const delivery = installDelivery(app, { config, db, live, metrics, log, limits });
  const webhooks = installWebhooks(app, { config, db, log, metrics });
  const stopPrivacy = installPrivacy(app, { db, metrics, live, log });
  monitoring.installRoutes();
  app.use('/api', notFound);
  installStatic(app, config.STATIC_DIR);
  app.use(notFound);
  app.use(errorHandler(log, monitoring.serverError));
  // The invitation rate limit is the LAST gate: it spends allowance only on what every earlier gate admitted.
  if (limited) gates.push(invitationLimitGate(limits));

  return {
    app,
    httpServer,
    live,
    metrics,
    limits,
    delivery,
    monitoring,
    // Snapshots exist before the first client asks, even on a database with no writes yet.
    listen: async (port, host) => {
      // Several processes on one PostgreSQL broadcast to each other's sockets (PGlite is one process by nature).
      if (redis && db.kind === 'postgres') {
        const named = await db.query<{ name: string }>('SELECT current_database() AS name').then((r) => r[0]!.name, () => 'default');
        live.shareThrough(redis, named);
      }
      // Not fatal: on a database that is not ready, /readyz must still be able to say so.
      await db
        .transaction((tx) => recomputeConnectors(tx, new Date()))
        .then(() => metrics.refresh())
        .catch((err) => log.warn({ err }, 'first metrics refresh failed'));
      const bound = await new Promise<number>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve((httpServer.address() as AddressInfo).port));
      });
      await delivery.start(bound, host);
      monitoring.monitor.start();
      return bound;
    },
    async close() {
      await monitoring.monitor.stop();
      await webhooks.stop();
      await delivery.stop();
      stopJobs();
      stopExperiments();
      stopPrivacy();
      fraud.stop();
      metrics.stop();
      await metrics.settle();
      await new Promise<void>((resolve) => live.io.close(() => resolve()));
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
