/**
 * The privacy log (migration 015): one row per anonymisation run and per account erasure, with
 * when, what started it, rows changed per table and how long it took — never who.
 */
import type { Queryable } from '../db/db';

export type PrivacyTrigger = 'schedule' | 'owner' | 'user';

export interface PrivacyLogEntry {
  id: number;
  kind: 'anonymisation' | 'erasure';
  trigger: PrivacyTrigger;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  cutoff: string | null;
  rows: Record<string, number>;
}

interface Row {
  id: number;
  kind: PrivacyLogEntry['kind'];
  trigger: PrivacyTrigger;
  started_at: Date;
  finished_at: Date;
  duration_ms: number;
  cutoff: Date | null;
  rows: Record<string, number>;
}

const toEntry = (r: Row): PrivacyLogEntry => ({
  id: r.id,
  kind: r.kind,
  trigger: r.trigger,
  startedAt: r.started_at.toISOString(),
  finishedAt: r.finished_at.toISOString(),
  durationMs: r.duration_ms,
  cutoff: r.cutoff?.toISOString() ?? null,
  rows: r.rows,
});

export async function logPrivacy(
  db: Queryable,
  e: { kind: PrivacyLogEntry['kind']; trigger: PrivacyTrigger; startedAt: Date; durationMs: number; cutoff?: Date; rows: Record<string, number> },
): Promise<PrivacyLogEntry> {
  const durationMs = Math.max(0, Math.round(e.durationMs));
  const [row] = await db.query<Row>(
    `INSERT INTO privacy_log (kind, trigger, started_at, finished_at, duration_ms, cutoff, rows)
     VALUES ($1, $2, $3, $3::timestamptz + make_interval(secs => $4::float8 / 1000), $4, $5, $6::jsonb)
     RETURNING *`,
    [e.kind, e.trigger, e.startedAt, durationMs, e.cutoff ?? null, JSON.stringify(e.rows)],
  );
  return toEntry(row!);
}

/** The latest entries, newest first. */
export async function readPrivacyLog(db: Queryable, limit = 50): Promise<PrivacyLogEntry[]> {
  return (await db.query<Row>('SELECT * FROM privacy_log ORDER BY started_at DESC, id DESC LIMIT $1', [limit])).map(toEntry);
}
