/**
 * Reading K from the incremental counters of migration 004, for any window of whole days (at
 * most 90) and any breakdown. A read touches at most 90 rows of k_daily and 90 of k_reach per
 * dimension value, plus the deltas appended since the last compaction (about a second's worth),
 * whatever the number of invitations: that is what keeps it under a
 * millisecond at 10M invitations (npm run bench -- analytics). The counts are exact: the drift
 * check (kRebuild.ts) recomputes them from the raw rows.
 */
import type { Queryable } from '../db/db';
import { funnel, type DayWindow, type StatusCounts } from '../../shared/viral';
import { prepared } from '../db/prepared';

/** 'experiment' has values '<channel>:<variant>' (migration 009); 'variant' mixes the channels. */
export const dimensions = ['all', 'actor', 'channel', 'variant', 'experiment'] as const;
export type Dimension = (typeof dimensions)[number];

export interface WindowCounts extends StatusCounts {
  val: string;
  inviters: number;
}

const STATUS_SUMS = `coalesce(sum(queued), 0)::int AS queued, coalesce(sum(sent), 0)::int AS sent,
  coalesce(sum(delivered), 0)::int AS delivered, coalesce(sum(opened), 0)::int AS opened,
  coalesce(sum(accepted), 0)::int AS accepted, coalesce(sum(declined), 0)::int AS declined,
  coalesce(sum(cancelled), 0)::int AS cancelled`;

/** Main rows and the deltas not yet folded in (migration 004: writers only append). */
const DAILY = (where: string) => `SELECT * FROM k_daily WHERE ${where} UNION ALL SELECT * FROM k_daily_delta WHERE ${where}`;
/** Inviters first active in the window, from the main rows and the pending deltas ($a: the window's first day). */
const REACH = (where: string, a: string, b: string) =>
  `SELECT val, n FROM k_reach WHERE ${where} AND start_day = ${a}::date AND day BETWEEN ${a}::date AND ${b}::date
   UNION ALL
   SELECT val, n FROM k_reach_delta WHERE ${where} AND day BETWEEN ${a}::date AND ${b}::date AND day - ${a}::date < gap`;

/** Counts over a window for one dimension value ('all' has the value ''). */
export async function readWindow(db: Queryable, dim: Dimension, val: string, w: DayWindow): Promise<WindowCounts> {
  const [row] = await db.query<WindowCounts>(
    prepared(`SELECT $2::text AS val, ${STATUS_SUMS},
            (SELECT coalesce(sum(n), 0)::int FROM (${REACH('dim = $1 AND val = $2', '$3', '$4')}) r) AS inviters
       FROM (${DAILY('dim = $1 AND val = $2 AND day BETWEEN $3::date AND $4::date')}) d`),
    [dim, val, w.start, w.end],
  );
  return row!;
}

/** Counts over a window for every value of a dimension that has invitations in it. */
export async function readBreakdown(db: Queryable, dim: Dimension, w: DayWindow): Promise<WindowCounts[]> {
  return db.query<WindowCounts>(
    prepared(`WITH d AS (SELECT val, ${STATUS_SUMS} FROM (${DAILY('dim = $1 AND day BETWEEN $2::date AND $3::date')}) x GROUP BY val),
          r AS (SELECT val, sum(n)::int AS inviters FROM (${REACH('dim = $1', '$2', '$3')}) x GROUP BY val)
     SELECT d.*, coalesce(r.inviters, 0) AS inviters FROM d LEFT JOIN r USING (val)
      WHERE d.queued + d.sent + d.delivered + d.opened + d.accepted + d.declined + d.cancelled > 0
      ORDER BY d.val`),
    [dim, w.start, w.end],
  );
}

/** Cycle-time histogram (whole days from invitation to acceptance) of a window's invitations. */
export async function readCycleHistogram(db: Queryable, w: DayWindow): Promise<{ value: number; n: number }[]> {
  return db.query<{ value: number; n: number }>(
    `SELECT days AS value, sum(n)::int AS n
       FROM (SELECT days, n FROM k_cycle WHERE dim = 'all' AND val = '' AND day BETWEEN $1::date AND $2::date
             UNION ALL
             SELECT days, n FROM k_cycle_delta WHERE dim = 'all' AND val = '' AND day BETWEEN $1::date AND $2::date) c
      GROUP BY days HAVING sum(n) > 0`,
    [w.start, w.end],
  );
}

/** Folds pending deltas into the main counters (one process at a time); returns the rows touched. */
export async function compactCounters(db: Queryable): Promise<number> {
  const [row] = await db.query<{ moved: number }>('SELECT k_compact() AS moved');
  return row?.moved ?? 0;
}

export const invitedOf = (c: StatusCounts): number => funnel(c).invited;
