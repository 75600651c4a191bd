/**
 * Installs integrations into the app (issue 7, points 9–11): the owner's webhook, export and
 * schema routes, the coefficient.updated feed from the metrics publisher, and the delivery
 * workers, which start now (migrations have run) and stop with the app.
 */
import type { Express } from 'express';
import type { Config } from '../config';
import type { Db } from '../db/db';
import type { Logger } from '../log';
import type { MetricsPublisher } from '../viral/metricsPublisher';
import { coefficientFeed } from './coefficient';
import { installIntegrationRoutes } from './routes';
import { WebhookWorkers } from './worker';

export interface WebhooksDeps {
  config: Config;
  db: Db;
  log: Logger;
  metrics: MetricsPublisher;
}

export interface Webhooks {
  workers: WebhookWorkers;
  stop(): Promise<void>;
}

export function installWebhooks(app: Express, { config, db, log, metrics }: WebhooksDeps): Webhooks {
  const workers = new WebhookWorkers(
    db,
    {
      workers: config.WEBHOOK_WORKERS,
      pollMs: config.WEBHOOK_POLL_MS,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      disableAfterDays: config.WEBHOOK_DISABLE_AFTER_DAYS,
      retryScheduleMs: config.TEST_WEBHOOK_RETRY_MS,
    },
    log,
  );
  const wake = () => workers.wake();
  metrics.onPlatform = coefficientFeed(db, log, wake);
  installIntegrationRoutes(app, { db, queued: wake, requireHttps: config.NODE_ENV === 'production' });
  workers.start();
  return { workers, stop: () => workers.stop() };
}
