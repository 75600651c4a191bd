/**
 * Webhook endpoints and their delivery log in the database: create (with a fresh secret, returned
 * once and never again), list with delivery counts, remove, re-enable, read the log, replay an
 * event, the owner's notices, and the publisher's messages (coefficient.updated).
 */
import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { ErrorCode } from '../../shared/errors';
import { webhookTopicOf, type AttemptView, type EndpointNotice, type EndpointView, type NewEndpoint, type WebhookEventType } from '../../shared/integrations/webhooks';
import type { Queryable } from '../db/db';
import { HttpError } from '../http/errors';

/** `whsec_` + base64 of 24 random bytes: the Standard Webhooks secret format. */
export const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

interface EndpointRow {
  id: string;
  url: string;
  description: string;
  event_types: WebhookEventType[];
  segment_ids: string[] | null;
  status: 'active' | 'disabled';
  failing_since: Date | null;
  disabled_at: Date | null;
  disabled_reason: string | null;
  created_at: Date;
  pending: number;
  succeeded: number;
  failed: number;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

const toView = (r: EndpointRow): EndpointView => ({
  id: r.id,
  url: r.url,
  description: r.description,
  eventTypes: r.event_types,
  segmentIds: r.segment_ids,
  status: r.status,
  failingSince: iso(r.failing_since),
  disabledAt: iso(r.disabled_at),
  disabledReason: r.disabled_reason,
  createdAt: r.created_at.toISOString(),
  deliveries: { pending: r.pending, succeeded: r.succeeded, failed: r.failed },
});

const ENDPOINTS = `SELECT e.id, e.url, e.description, e.event_types, e.segment_ids, e.status, e.failing_since, e.disabled_at, e.disabled_reason,
       e.created_at, coalesce(c.pending, 0) AS pending, coalesce(c.succeeded, 0) AS succeeded, coalesce(c.failed, 0) AS failed
  FROM webhook_endpoints e
  LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
                            count(*) FILTER (WHERE status = 'failed')::int AS failed
                       FROM webhook_deliveries d WHERE d.endpoint_id = e.id) c ON true`;

export async function listEndpoints(db: Queryable): Promise<EndpointView[]> {
  return (await db.query<EndpointRow>(`${ENDPOINTS} ORDER BY e.created_at, e.id`)).map(toView);
}

export async function getEndpoint(db: Queryable, id: string): Promise<EndpointView> {
  const [row] = await db.query<EndpointRow>(`${ENDPOINTS} WHERE e.id = $1`, [id]);
  if (!row) throw new HttpError(ErrorCode.NOT_FOUND, `there is no webhook endpoint ${JSON.stringify(id)}`);
  return toView(row);
}

export async function createEndpoint(db: Queryable, input: NewEndpoint, createdBy: string | null): Promise<{ endpoint: EndpointView; secret: string }> {
  const id = uuidv7();
  const secret = newSecret();
  await db.query(
    `INSERT INTO webhook_endpoints (id, url, description, event_types, segment_ids, secret, created_by)
     VALUES ($1, $2, $3, $4::text[], $5::text[], $6, $7)`,
    [id, input.url, input.description, input.eventTypes, input.segmentIds, secret, createdBy],
  );
  return { endpoint: await getEndpoint(db, id), secret };
}

/** Removes an endpoint with its outbox rows and log. */
export async function deleteEndpoint(db: Queryable, id: string): Promise<void> {
  const rows = await db.query('DELETE FROM webhook_endpoints WHERE id = $1 RETURNING id', [id]);
  if (rows.length === 0) throw new HttpError(ErrorCode.NOT_FOUND, `there is no webhook endpoint ${JSON.stringify(id)}`);
}

/** Turns a disabled endpoint back on; its waiting deliveries go out again. */
export async function enableEndpoint(db: Queryable, id: string): Promise<EndpointView> {
  await getEndpoint(db, id);
  await db.query(
    `UPDATE webhook_endpoints SET status = 'active', failing_since = NULL, disabled_at = NULL, disabled_reason = NULL WHERE id = $1`,
    [id],
  );
  return getEndpoint(db, id);
}

interface AttemptRow {
  id: number;
  delivery_id: number;
  event_id: string;
  event_type: WebhookEventType;
  attempt: number;
  attempted_at: Date;
  ok: boolean;
  latency_ms: number | null;
  response_status: number | null;
  error: string | null;
  response_excerpt: string | null;
  status: AttemptView['deliveryStatus'];
  next_attempt_at: Date;
  replay: boolean;
}

/** The endpoint's delivery log, newest attempt first; `before` pages back by attempt id. */
export async function listAttempts(db: Queryable, endpointId: string, limit: number, before?: number): Promise<AttemptView[]> {
  await getEndpoint(db, endpointId);
  const rows = await db.query<AttemptRow>(
    `SELECT a.id, a.delivery_id, d.event_id, d.event_type, a.attempt, a.attempted_at, a.ok, a.latency_ms, a.response_status, a.error,
            a.response_excerpt, d.status, d.next_attempt_at, d.replay
       FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
      WHERE a.endpoint_id = $1 AND ($2::bigint IS NULL OR a.id < $2)
      ORDER BY a.id DESC LIMIT $3`,
    [endpointId, before ?? null, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    deliveryId: r.delivery_id,
    eventId: r.event_id,
    eventType: r.event_type,
    attempt: r.attempt,
    attemptedAt: r.attempted_at.toISOString(),
    ok: r.ok,
    latencyMs: r.latency_ms,
    responseStatus: r.response_status,
    error: r.error,
    responseExcerpt: r.response_excerpt,
    deliveryStatus: r.status,
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
    replay: r.replay,
  }));
}

/** Queues one more delivery of a recorded event (any published one) to an active endpoint. */
export async function replayEvent(db: Queryable, endpointId: string, eventId: string): Promise<{ deliveryId: number; eventType: WebhookEventType }> {
  const endpoint = await getEndpoint(db, endpointId);
  if (endpoint.status !== 'active') throw new HttpError(ErrorCode.INVALID_INPUT, 'this endpoint is disabled: enable it before replaying to it');
  const [found] = await db.query<{ type: string }>(
    'SELECT type FROM viral_events WHERE id = $1 UNION ALL SELECT type FROM webhook_messages WHERE id = $1',
    [eventId],
  );
  const topic = found && (found.type === 'coefficient.updated' ? 'coefficient.updated' : webhookTopicOf(found.type));
  if (!topic) throw new HttpError(ErrorCode.NOT_FOUND, `there is no published event ${JSON.stringify(eventId)}`);
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, replay) VALUES ($1, $2, $3, true) RETURNING id`,
    [endpointId, eventId, topic],
  );
  return { deliveryId: row!.id, eventType: topic };
}

/** Disabled endpoints: the owner is told until they re-enable or remove them. */
export async function endpointNotices(db: Queryable): Promise<EndpointNotice[]> {
  const rows = await db.query<{ id: string; url: string; disabled_at: Date; disabled_reason: string | null }>(
    `SELECT id, url, disabled_at, disabled_reason FROM webhook_endpoints WHERE status = 'disabled' ORDER BY disabled_at DESC`,
  );
  return rows.map((r) => ({ endpointId: r.id, url: r.url, disabledAt: r.disabled_at.toISOString(), reason: r.disabled_reason ?? 'disabled' }));
}

/** Stores a message that is not a viral event and queues it for its subscribers; returns how many. */
export async function enqueueMessage(
  db: Queryable,
  m: { type: WebhookEventType; source: string; subject: string | null; time: Date; data: object },
): Promise<number> {
  const rows = await db.query(
    `WITH subs AS (SELECT id FROM webhook_endpoints WHERE status = 'active' AND $2 = ANY (event_types)),
          msg AS (INSERT INTO webhook_messages (id, type, source, subject, time, data)
                  SELECT $1, $2, $3, $4, $5, $6::jsonb WHERE EXISTS (SELECT 1 FROM subs) RETURNING id)
     INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type) SELECT subs.id, msg.id, $2 FROM subs CROSS JOIN msg RETURNING id`,
    [uuidv7(), m.type, m.source, m.subject, m.time, JSON.stringify(m.data)],
  );
  return rows.length;
}
