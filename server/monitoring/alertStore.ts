/**
 * Alerts in the database (migration 017). Each step of `planAlerts` becomes one statement whose
 * WHERE clause makes it safe when several processes evaluate at once: only the process whose
 * statement changed the row gets it back, and only that process announces the change.
 */
import { v7 as uuidv7 } from 'uuid';
import type { AlertChangeKind, AlertStep, AlertView, OpenAlert } from '../../shared/alerts';
import type { Queryable } from '../db/db';

interface AlertRow {
  id: string;
  key: AlertView['key'];
  severity: AlertView['severity'];
  status: AlertView['status'];
  opened_at: Date;
  resolved_at: Date | null;
  last_value: number | null;
  message: string;
  ops_event: AlertChangeKind | null;
  ops_seq: number;
}

const COLUMNS = 'id, key, severity, status, opened_at, resolved_at, last_value, message, ops_event, ops_seq';

export const toAlertView = (r: AlertRow): AlertView => ({
  id: r.id,
  key: r.key,
  severity: r.severity,
  status: r.status,
  openedAt: r.opened_at.toISOString(),
  resolvedAt: r.resolved_at?.toISOString() ?? null,
  lastValue: r.last_value === null ? null : Number(r.last_value),
  message: r.message,
});

export async function openAlerts(db: Queryable): Promise<OpenAlert[]> {
  const rows = await db.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE status = 'open'`);
  return rows.map(toAlertView);
}

export interface Announced {
  change: AlertChangeKind;
  alert: AlertView;
}

/**
 * Applies one step; returns the change to announce, or null (a quiet update, or another process
 * got there first). `ops`: whether the ops webhook should hear of it.
 */
export async function applyStep(db: Queryable, step: AlertStep, ops: boolean): Promise<Announced | null> {
  if (step.kind === 'open') {
    const [row] = await db.query<AlertRow>(
      `INSERT INTO alerts (id, key, severity, last_value, message, ops_event, ops_seq, ops_pending)
       VALUES ($1, $2, $3, $4, $5, 'opened', 1, $6)
       ON CONFLICT (key) WHERE status = 'open' DO NOTHING
       RETURNING ${COLUMNS}`,
      [uuidv7(), step.key, step.severity, step.value, step.message, ops],
    );
    return row ? { change: 'opened', alert: toAlertView(row) } : null;
  }
  if (step.kind === 'resolve') {
    const [row] = await db.query<AlertRow>(
      `UPDATE alerts SET status = 'resolved', resolved_at = now(), last_value = $2,
              ops_event = 'resolved', ops_seq = ops_seq + 1, ops_pending = $3
        WHERE id = $1 AND status = 'open'
       RETURNING ${COLUMNS}`,
      [step.id, step.value, ops],
    );
    return row ? { change: 'resolved', alert: toAlertView(row) } : null;
  }
  if (!step.announce) {
    await db.query(`UPDATE alerts SET last_value = $2, message = $3 WHERE id = $1 AND status = 'open'`, [step.id, step.value, step.message]);
    return null;
  }
  const [row] = await db.query<AlertRow>(
    `UPDATE alerts SET severity = $2, last_value = $3, message = $4, ops_event = 'changed', ops_seq = ops_seq + 1, ops_pending = $5
      WHERE id = $1 AND status = 'open' AND severity <> $2
     RETURNING ${COLUMNS}`,
    [step.id, step.severity, step.value, step.message, ops],
  );
  return row ? { change: 'changed', alert: toAlertView(row) } : null;
}

/** Open alerts (worst first) and the latest resolved ones. */
export async function listAlerts(db: Queryable, resolvedLimit = 50): Promise<{ open: AlertView[]; resolved: AlertView[] }> {
  const open = await db.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE status = 'open' ORDER BY severity = 'critical' DESC, opened_at DESC`);
  const resolved = await db.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE status = 'resolved' ORDER BY resolved_at DESC LIMIT $1`, [resolvedLimit]);
  return { open: open.map(toAlertView), resolved: resolved.map(toAlertView) };
}

export interface OpsDelivery extends Announced {
  seq: number;
}

/** Takes the changes the ops webhook has not received yet (one process each). */
export async function claimOps(db: Queryable, limit = 20): Promise<OpsDelivery[]> {
  const rows = await db.query<AlertRow>(
    `UPDATE alerts SET ops_pending = false
      WHERE id IN (SELECT id FROM alerts WHERE ops_pending ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING ${COLUMNS}`,
    [limit],
  );
  return rows.map((r) => ({ change: r.ops_event!, seq: r.ops_seq, alert: toAlertView(r) }));
}

/** A delivery failed: try again at the next evaluation, unless the alert moved on meanwhile. */
export async function releaseOps(db: Queryable, id: string, seq: number): Promise<void> {
  await db.query('UPDATE alerts SET ops_pending = true WHERE id = $1 AND ops_seq = $2', [id, seq]);
}
