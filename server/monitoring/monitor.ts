/**
 * The health monitor (issue 9, point 5): every MONITOR_INTERVAL_S seconds it reads each
 * condition (K, API latency over the window since the last evaluation, the database probe, the
 * outbox and webhook backlogs, failing or disabled endpoints), judges them with the shared
 * thresholds, and applies `planAlerts` to the alerts table. Each change it made is pushed live
 * to the owner's room (`alert:changed`) and queued for the ops webhook, which is sent after.
 *
 * Every process runs one; the table's constraints keep one open alert per condition and let
 * one process announce each change. API latency is each process's own: with several processes
 * the one that evaluates last decides (the Prometheus rules in deploy/alerts.yml see them all).
 *
 * When the database itself does not answer, nothing can be stored: the ops webhook is told
 * directly (once per outage, and again when it answers), and the evaluation counts as failed.
 */
import {
  K_ALERT_WINDOW_DAYS,
  judgeBacklog,
  judgeDatabase,
  judgeEndpoints,
  judgeK,
  judgeLatency,
  planAlerts,
  type AlertView,
  type Reading,
} from '../../shared/alerts';
import { rooms } from '../../shared/sync/socket';
import type { Db } from '../db/db';
import type { Live } from '../live/socket';
import type { Logger } from '../log';
import { applyStep, claimOps, openAlerts, releaseOps, type Announced } from './alertStore';
import type { AppMetrics } from './metrics';
import { sendOps, type OpsTarget } from './ops';
import { probeDatabase, readBacklogs, readEndpoints, readPlatformK } from './readings';
import type { LatencyWindow } from './requestContext';

export interface MonitorDeps {
  db: Db;
  live: Live;
  log: Logger;
  metrics: AppMetrics;
  latency: LatencyWindow;
  /** 0: evaluate only when asked (tests). */
  intervalS: number;
  ops?: OpsTarget;
}

export class Monitor {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  /** Set while the database does not answer and ops was told so. */
  private outage: { id: string; since: Date } | null = null;

  constructor(private readonly deps: MonitorDeps) {}

  start(): void {
    if (this.deps.intervalS <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.evaluate().catch(() => undefined), this.deps.intervalS * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running.catch(() => undefined);
  }

  /** One evaluation (queued behind one under way); resolves with the changes it announced. */
  evaluate(): Promise<Announced[]> {
    const run = this.running.catch(() => undefined).then(() => this.run());
    this.running = run;
    return run;
  }

  private async run(): Promise<Announced[]> {
    const { db, log, metrics } = this.deps;
    const readings = await this.read();
    try {
      const steps = planAlerts(await openAlerts(db), readings);
      const announced: Announced[] = [];
      for (const step of steps) {
        const done = await applyStep(db, step, !!this.deps.ops);
        if (done) announced.push(done);
      }
      for (const a of announced) this.announce(a);
      await this.countOpen();
      await this.endOutage();
      await this.deliverOps();
      metrics.monitorEvaluations.inc({ result: 'ok' });
      return announced;
    } catch (err) {
      metrics.monitorEvaluations.inc({ result: 'failed' });
      log.error({ err }, 'health evaluation failed');
      const database = readings.find((r) => r.key === 'database');
      if (database?.level === 'critical' && database.value === null) await this.startOutage(database);
      throw err;
    }
  }

  private async read(): Promise<Reading[]> {
    const { db, metrics, latency } = this.deps;
    const window = latency.take();
    const probe = await probeDatabase(db);
    metrics.databaseUp.set('error' in probe ? 0 : 1);
    if (!('error' in probe)) metrics.databaseProbe.set(probe.ms / 1000);
    const readings = [judgeDatabase(probe), judgeLatency(window.averageMs, window.requests)];
    if ('error' in probe) return readings;
    const k = (await readPlatformK(db)).find((f) => f.windowDays === K_ALERT_WINDOW_DAYS);
    if (k) readings.push(judgeK(k.k, k.inviters));
    const backlogs = await readBacklogs(db);
    readings.push(judgeBacklog('outbox_backlog', backlogs.outbox), judgeBacklog('webhook_backlog', backlogs.webhooks));
    readings.push(judgeEndpoints(await readEndpoints(db)));
    return readings;
  }

  /** To the owner's screens, wherever their socket is (the room reaches every process's sockets). */
  private announce({ change, alert }: Announced): void {
    this.deps.live.io.to(rooms.dashboard).emit('alert:changed', { change, alert });
    const line = { alert: alert.key, severity: alert.severity, value: alert.lastValue, change };
    if (change === 'resolved') this.deps.log.info(line, alert.message);
    else this.deps.log.warn(line, alert.message);
  }

  private async countOpen(): Promise<void> {
    const open = await openAlerts(this.deps.db);
    this.deps.metrics.alertsOpen.reset();
    for (const a of open) this.deps.metrics.alertsOpen.inc({ key: a.key, severity: a.severity });
  }

  /** Sends what ops has not received; a failure is retried at the next evaluation. */
  private async deliverOps(): Promise<void> {
    const { ops, db, log } = this.deps;
    if (!ops) return;
    for (const delivery of await claimOps(db)) {
      const result = await sendOps(ops, delivery);
      if (result.ok) continue;
      log.warn({ alert: delivery.alert.id, error: result.error }, 'ops webhook failed; retrying at the next evaluation');
      await releaseOps(db, delivery.alert.id, delivery.seq);
    }
  }

  private async startOutage(reading: Reading): Promise<void> {
    const { ops, log } = this.deps;
    if (this.outage || !ops) return;
    const since = new Date();
    const outage = { id: `database-outage-${since.getTime()}`, since };
    const result = await sendOps(ops, { change: 'opened', seq: 1, alert: this.outageView(outage, 'open', reading.message) });
    if (result.ok) this.outage = outage;
    else log.error({ error: result.error }, 'ops webhook failed during a database outage');
  }

  private async endOutage(): Promise<void> {
    const { ops } = this.deps;
    if (!this.outage || !ops) return;
    const result = await sendOps(ops, { change: 'resolved', seq: 2, alert: this.outageView(this.outage, 'resolved', 'The database answers again.') });
    if (result.ok) this.outage = null;
  }

  private outageView(outage: { id: string; since: Date }, status: AlertView['status'], message: string): AlertView {
    return {
      id: outage.id,
      key: 'database',
      severity: 'critical',
      status,
      openedAt: outage.since.toISOString(),
      resolvedAt: status === 'resolved' ? new Date().toISOString() : null,
      lastValue: null,
      message,
    };
  }
}
