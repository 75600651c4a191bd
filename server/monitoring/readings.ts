/**
 * What the monitor and the `/metrics` scrape read from the database: each a few index probes,
 * so a scrape every few seconds costs nothing noticeable. Backlogs count rows due now, capped
 * (`BACKLOG_CAP`) so a huge backlog does not make the count itself slow.
 */
import { snapshotIds } from '../../shared/analytics/snapshots';
import { windowChoices } from '../../shared/viral';
import type { Queryable } from '../db/db';

export const BACKLOG_CAP = 100_000;

export interface KFigures {
  windowDays: number;
  k: number;
  inviters: number;
  sent: number;
  accepted: number;
  acceptanceRate: number;
}

/** The latest platform snapshot of each window (written by the metrics publisher). */
export async function readPlatformK(db: Queryable): Promise<KFigures[]> {
  const rows = await db.query<{ data: Record<string, number> }>(`SELECT doc -> 'data' AS data FROM metrics WHERE id = ANY($1::text[])`, [
    windowChoices.map((w) => snapshotIds.platform(w)),
  ]);
  return rows
    .map(({ data: d }) => ({ windowDays: d.windowDays!, k: d.k!, inviters: d.inviters!, sent: d.sent!, accepted: d.accepted!, acceptanceRate: d.acceptanceRate! }))
    .filter((f) => typeof f.windowDays === 'number' && typeof f.k === 'number');
}

export async function readBacklogs(db: Queryable): Promise<{ outbox: number; webhooks: number }> {
  const [row] = await db.query<{ outbox: number; webhooks: number }>(
    `SELECT (SELECT count(*) FROM (SELECT 1 FROM deliveries WHERE state IN ('pending', 'sending') AND due_at <= now() LIMIT $1) d)::int AS outbox,
            (SELECT count(*) FROM (SELECT 1 FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= now() LIMIT $1) w)::int AS webhooks`,
    [BACKLOG_CAP],
  );
  return row!;
}

export async function readEndpoints(db: Queryable): Promise<{ failing: number; disabled: number }> {
  const [row] = await db.query<{ failing: number; disabled: number }>(
    `SELECT count(*) FILTER (WHERE status = 'active' AND failing_since IS NOT NULL)::int AS failing,
            count(*) FILTER (WHERE status = 'disabled')::int AS disabled
       FROM webhook_endpoints`,
  );
  return row!;
}

/** A trivial query, timed; an error is the answer, not a throw. */
export async function probeDatabase(db: Queryable): Promise<{ ms: number } | { error: string }> {
  const started = performance.now();
  try {
    await db.query('SELECT 1');
    return { ms: performance.now() - started };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
