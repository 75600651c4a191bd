/**
 * Webhook delivery workers. Each worker claims a batch of due deliveries with FOR UPDATE SKIP
 * LOCKED (so workers in any number of processes never take the same row), holding them by a
 * lease: the claim moves `next_attempt_at` to the lease's end, so a worker that dies mid-batch
 * loses nothing — its rows come due again when the lease runs out. The batch's attempts go out
 * concurrently; their results are written in one transaction, and only for rows still under
 * this worker's lease:
 * - success: the delivery is done and the endpoint is healthy again (`failing_since` cleared);
 * - failure: the next attempt follows the retry schedule (shared/integrations/webhooks.ts), or
 *   the delivery is given up after the last; an endpoint whose every attempt has failed for
 *   `disableAfterDays` is disabled, with a `webhook.endpoint_disabled` event in that transaction.
 * An idle worker looks again every `pollMs` (new rows are due at once), or sooner when woken.
 * Attempts and finished deliveries older than LOG_RETENTION_DAYS are pruned hourly.
 */
import { randomUUID } from 'node:crypto';
import { messageToCloudEvent, toCloudEvent, type CloudEvent } from '../../shared/integrations/cloudEvents';
import { retryDelayMs, RETRY_SCHEDULE_MS, type WebhookEventType } from '../../shared/integrations/webhooks';
import type { Db, Queryable } from '../db/db';
import type { Logger } from '../log';
import { recordEvent } from '../sync/events';
import { sendWebhook, type AttemptResult } from './send';

export interface WorkerOptions {
  workers: number;
  pollMs: number;
  timeoutMs: number;
  disableAfterDays: number;
  retryScheduleMs?: readonly number[];
  /** Deliveries one worker claims and sends at once. */
  batch?: number;
}

export const LOG_RETENTION_DAYS = 30;
const PRUNE_EVERY_MS = 60 * 60_000;

interface Claimed {
  id: number;
  endpoint_id: string;
  event_id: string;
  event_type: WebhookEventType;
  attempts: number;
  url: string;
  secret: string;
  v_type: string | null;
  actor_id: string | null;
  invitation_id: string | null;
  inviter_id: string | null;
  org_id: string | null;
  v_data: Record<string, unknown> | null;
  captured_at: Date | null;
  v_created_at: Date | null;
  m_type: WebhookEventType | null;
  source: string | null;
  subject: string | null;
  time: Date | null;
  m_data: Record<string, unknown> | null;
}

const CLAIM = `
WITH claimed AS (
  UPDATE webhook_deliveries d
     SET attempts = d.attempts + 1, lease = $1, next_attempt_at = now() + $3 * interval '1 millisecond'
    FROM (SELECT d2.id FROM webhook_deliveries d2 JOIN webhook_endpoints e ON e.id = d2.endpoint_id
           WHERE d2.status = 'pending' AND d2.next_attempt_at <= now() AND e.status = 'active'
           ORDER BY d2.next_attempt_at LIMIT $2 FOR UPDATE OF d2 SKIP LOCKED) due
   WHERE d.id = due.id
  RETURNING d.id, d.endpoint_id, d.event_id, d.event_type, d.attempts)
SELECT c.*, e.url, e.secret,
       v.type AS v_type, v.actor_id, v.invitation_id, v.inviter_id, v.org_id, v.data AS v_data, v.captured_at, v.created_at AS v_created_at,
       m.type AS m_type, m.source, m.subject, m.time, m.data AS m_data
  FROM claimed c JOIN webhook_endpoints e ON e.id = c.endpoint_id
  LEFT JOIN viral_events v ON v.id = c.event_id
  LEFT JOIN webhook_messages m ON m.id = c.event_id`;

type Outcome = AttemptResult & { at: Date; gone?: boolean };

/** The CloudEvent a claimed delivery carries, or null when its event is gone. */
function eventOf(r: Claimed): CloudEvent | null {
  if (r.v_type) {
    return toCloudEvent({
      id: r.event_id,
      type: r.v_type,
      actorId: r.actor_id,
      invitationId: r.invitation_id,
      inviterId: r.inviter_id,
      orgId: r.org_id,
      data: r.v_data ?? {},
      capturedAt: r.captured_at!,
      createdAt: r.v_created_at!,
    });
  }
  if (r.m_type) return messageToCloudEvent({ id: r.event_id, type: r.m_type, source: r.source!, subject: r.subject, time: r.time!, data: r.m_data ?? {} });
  return null;
}

export class WebhookWorkers {
  private stopped = true;
  private loops: Promise<void>[] = [];
  private sleepers = new Set<() => void>();
  private pruneTimer: NodeJS.Timeout | null = null;
  private loggedAt = 0;
  private readonly schedule: readonly number[];
  private readonly batch: number;
  /** A `webhook.endpoint_disabled` was recorded (for the owner's notice). */
  onDisabled: (endpoints: { id: string; url: string }[]) => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly options: WorkerOptions,
    private readonly log: Logger,
  ) {
    this.schedule = options.retryScheduleMs ?? RETRY_SCHEDULE_MS;
    this.batch = options.batch ?? 25;
  }

  start(): void {
    if (!this.stopped || this.options.workers === 0) return;
    this.stopped = false;
    this.loops = Array.from({ length: this.options.workers }, () => this.loop());
    this.pruneTimer = setInterval(() => void this.prune().catch((err) => this.log.error({ err }, 'webhook log pruning failed')), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  /** New deliveries are due: idle workers look now instead of at their next poll. */
  wake(): void {
    for (const wakeUp of [...this.sleepers]) wakeUp();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.wake();
    await Promise.all(this.loops);
    this.loops = [];
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let claimed = 0;
      try {
        claimed = await this.runOnce();
      } catch (err) {
        // At most one log line a minute (a database that is down fails every poll).
        if (!this.stopped && Date.now() - this.loggedAt > 60_000) {
          this.loggedAt = Date.now();
          this.log.error({ err }, 'webhook delivery batch failed');
        }
      }
      if (claimed === 0 && !this.stopped) await this.sleep(this.options.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  /** Claims one batch, sends it and records the results; returns how many were claimed. */
  async runOnce(): Promise<number> {
    const token = randomUUID();
    const leaseMs = this.options.timeoutMs + 30_000;
    const rows = await this.db.query<Claimed>(CLAIM, [token, this.batch, leaseMs]);
    if (rows.length === 0) return 0;
    const results = await Promise.all(
      rows.map(async (r): Promise<Outcome> => {
        const at = new Date();
        const event = eventOf(r);
        if (!event) return { at, gone: true, ok: false, status: null, latencyMs: 0, error: 'the event no longer exists', excerpt: null };
        return { at, ...(await sendWebhook(r.url, r.secret, event, this.options.timeoutMs)) };
      }),
    );
    await this.record(token, rows, results);
    return rows.length;
  }

  private async record(token: string, rows: Claimed[], results: Outcome[]): Promise<void> {
    const entries = rows.map((r, i) => {
      const res = results[i]!;
      return {
        delivery_id: r.id,
        endpoint_id: r.endpoint_id,
        attempt: r.attempts,
        attempted_at: res.at.toISOString(),
        ok: res.ok,
        latency_ms: res.latencyMs,
        response_status: res.status,
        error: res.error,
        response_excerpt: res.excerpt,
        retry_ms: res.ok || res.gone ? null : retryDelayMs(r.attempts, this.schedule),
      };
    });
    const json = JSON.stringify(entries);
    const disabled = await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO webhook_attempts (delivery_id, endpoint_id, attempt, attempted_at, ok, latency_ms, response_status, error, response_excerpt)
         SELECT delivery_id, endpoint_id, attempt, attempted_at, ok, latency_ms, response_status, error, response_excerpt
           FROM json_to_recordset($1::json) AS r (delivery_id bigint, endpoint_id uuid, attempt int, attempted_at timestamptz, ok boolean,
                latency_ms int, response_status int, error text, response_excerpt text)`,
        [json],
      );
      await tx.query(
        `UPDATE webhook_deliveries d
            SET status = CASE WHEN r.ok THEN 'succeeded' WHEN r.retry_ms IS NULL THEN 'failed' ELSE 'pending' END,
                next_attempt_at = CASE WHEN r.ok OR r.retry_ms IS NULL THEN d.next_attempt_at ELSE now() + r.retry_ms * interval '1 millisecond' END,
                finished_at = CASE WHEN r.ok OR r.retry_ms IS NULL THEN now() END,
                lease = NULL
           FROM json_to_recordset($1::json) AS r (delivery_id bigint, ok boolean, retry_ms float8)
          WHERE d.id = r.delivery_id AND d.lease = $2`,
        [json, token],
      );
      // Healthy again after any success; failing since the first failure after the last success.
      await tx.query(
        `WITH s AS (SELECT endpoint_id, bool_or(ok) AS any_ok FROM json_to_recordset($1::json) AS r (endpoint_id uuid, ok boolean) GROUP BY endpoint_id)
         UPDATE webhook_endpoints e SET failing_since = CASE WHEN s.any_ok THEN NULL ELSE coalesce(e.failing_since, now()) END
           FROM s WHERE e.id = s.endpoint_id AND (s.any_ok = (e.failing_since IS NOT NULL))`,
        [json],
      );
      const failing = [...new Set(entries.filter((e) => !e.ok).map((e) => e.endpoint_id))];
      return failing.length === 0 ? [] : this.disableFailing(tx, failing);
    });
    if (disabled.length > 0) {
      this.log.warn({ endpoints: disabled }, 'webhook endpoints disabled after failing continuously');
      this.onDisabled(disabled);
    }
  }

  private async disableFailing(tx: Queryable, endpointIds: string[]): Promise<{ id: string; url: string }[]> {
    const days = this.options.disableAfterDays;
    const reason = `every delivery failed for ${days} day${days === 1 ? '' : 's'}`;
    const rows = await tx.query<{ id: string; url: string; failing_since: Date }>(
      `UPDATE webhook_endpoints SET status = 'disabled', disabled_at = now(), disabled_reason = $3
        WHERE id = ANY($1::uuid[]) AND status = 'active' AND failing_since <= now() - $2 * interval '1 day'
        RETURNING id, url, failing_since`,
      [endpointIds, days, reason],
    );
    const now = new Date();
    for (const r of rows) {
      await recordEvent(tx, {
        type: 'webhook.endpoint_disabled',
        actorId: null,
        invitationId: null,
        inviterId: null,
        orgId: null,
        data: { endpointId: r.id, url: r.url, failingSince: r.failing_since.toISOString(), reason },
        capturedAt: now,
        countedAt: now,
        timeSource: 'server',
      });
    }
    return rows.map((r) => ({ id: r.id, url: r.url }));
  }

  /** Drops finished deliveries (with their attempts) and messages older than the retention. */
  async prune(): Promise<void> {
    await this.db.query(`DELETE FROM webhook_deliveries WHERE status <> 'pending' AND finished_at < now() - $1 * interval '1 day'`, [LOG_RETENTION_DAYS]);
    await this.db.query(
      `DELETE FROM webhook_messages m WHERE created_at < now() - $1 * interval '1 day'
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = m.id)`,
      [LOG_RETENTION_DAYS],
    );
  }
}
