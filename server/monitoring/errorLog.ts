/**
 * Recorded errors (migration 017): the server's 5xx answers and the PWA's own reports. One row
 * per kind of error — the same source and fingerprint (a hash of the error's name and stack
 * frames, not its message, which often holds ids) — counted, with the latest occurrence's
 * context. Never throws: recording an error must not cause another.
 */
import { createHash } from 'node:crypto';
import type { ErrorView } from '../../shared/alerts';
import type { Queryable } from '../db/db';
import type { Logger } from '../log';

export type ErrorSource = ErrorView['source'];

export interface ErrorOccurrence {
  source: ErrorSource;
  /** A short class of error (`TypeError`, `unhandledrejection`): also a metrics label. */
  kind: string;
  message: string;
  stack?: string;
  context: Record<string, unknown>;
}

/** Keeps a label set small: a plain identifier, else `Error`. */
export const kindOf = (name: unknown): string => (typeof name === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(name) ? name : 'Error');

/** The stack frames (not the message line), so one bug with different ids in its message counts as one. */
export function fingerprint(e: Pick<ErrorOccurrence, 'source' | 'kind' | 'message' | 'stack'>): string {
  const frames = (e.stack ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('at ') || l.includes('@'))
    .slice(0, 12)
    .join('\n');
  return createHash('sha256')
    .update(`${e.source}|${e.kind}|${frames || e.message}`)
    .digest('hex')
    .slice(0, 32);
}

export async function recordError(db: Queryable, e: ErrorOccurrence, log: Logger): Promise<void> {
  try {
    await db.query(
      `INSERT INTO error_log (source, fingerprint, kind, message, context) VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (source, fingerprint) DO UPDATE
         SET count = error_log.count + 1, last_seen = now(), message = EXCLUDED.message, context = EXCLUDED.context`,
      [e.source, fingerprint(e), e.kind, e.message.slice(0, 1000), JSON.stringify(e.context)],
    );
  } catch (err) {
    log.warn({ err }, 'could not record an error');
  }
}

interface ErrorRow {
  id: string;
  source: ErrorSource;
  kind: string;
  message: string;
  count: string | number;
  first_seen: Date;
  last_seen: Date;
  context: Record<string, unknown>;
}

export async function listErrors(db: Queryable, limit = 50): Promise<ErrorView[]> {
  const rows = await db.query<ErrorRow>(
    `SELECT id::text AS id, source, kind, message, count, first_seen, last_seen, context FROM error_log ORDER BY last_seen DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    id: r.id,
    source: r.source,
    kind: r.kind,
    message: r.message,
    count: Number(r.count),
    firstSeen: r.first_seen.toISOString(),
    lastSeen: r.last_seen.toISOString(),
    context: r.context,
  }));
}
