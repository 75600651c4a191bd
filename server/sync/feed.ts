/**
 * The no-skip change feed, shared by every synced table. Rows are read in (txid, rev) order
 * and only when their writing transaction is older than the oldest transaction still in
 * flight (`plusone_horizon()`), all in one statement so it sees one snapshot. A row written by
 * a transaction that commits late therefore waits instead of being skipped (SPEC PULL2).
 */
import type { Checkpoint } from '../../shared/sync/protocol';
import type { Queryable } from '../db/db';
import { hasFault } from '../faults';
import { prepared } from '../db/prepared';

export interface FeedRow {
  rev: number;
  txid: number;
  horizon: number;
}

export interface FeedPage<Row> {
  rows: Row[];
  checkpoint: Checkpoint | null;
  held: boolean;
}

/**
 * `table` and `scope` are trusted SQL fragments from this codebase (never user input);
 * `scope` may use $3.. for its own params after the checkpoint's $1, $2 and the limit.
 */
export async function readFeed<Row extends FeedRow>(
  db: Queryable,
  table: string,
  scope: string,
  scopeParams: unknown[],
  checkpoint: Checkpoint | null,
  limit: number,
): Promise<FeedPage<Row>> {
  const cp = checkpoint ?? { txid: 0, rev: 0 };
  const params = [cp.txid, cp.rev, limit, ...scopeParams];
  const guard = hasFault('no-pull-guard') ? 'true' : 't.txid < h.horizon';
  const rows = await db.query<Row>(
    // The horizon must come from this statement's own snapshot: read here, not in a volatile function.
    prepared(`WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS horizon)
     SELECT t.*, h.horizon FROM ${table} t, h
      WHERE (${scope}) AND (t.txid, t.rev) > ($1::bigint, $2::bigint) AND ${guard}
      ORDER BY t.txid, t.rev
      LIMIT $3`),
    params,
  );
  const last = rows[rows.length - 1];
  const next = last ? { txid: last.txid, rev: last.rev } : checkpoint;
  let held = false;
  if (rows.length < limit) {
    const after = next ?? cp;
    const waiting = await db.query<{ held: boolean }>(
      prepared(`SELECT EXISTS (SELECT 1 FROM ${table} t WHERE (${scope}) AND (t.txid, t.rev) > ($1::bigint, $2::bigint) LIMIT $3) AS held`),
      [after.txid, after.rev, limit, ...scopeParams],
    );
    held = waiting[0]?.held ?? false;
  }
  return { rows, checkpoint: next, held };
}
