/**
 * The slow query log (SLOW_QUERY_MS): wraps a `Db` so that every statement slower than the
 * threshold, in or out of a transaction, is reported with its text and duration. Never its
 * parameters: they hold people's names, emails and phone numbers. The text is the SQL as
 * written (placeholders, no values), whitespace folded, cut at 1,000 characters. The duration
 * is what the caller waited, so on PostgreSQL it includes waiting for a pooled connection: a
 * pool too small for the load (PG_POOL_MAX) shows here as many slow quick queries.
 */
import type { Db, Queryable } from './db';

export interface SlowQuery {
  sql: string;
  ms: number;
  /** Whether the statement ran inside a transaction. */
  inTransaction: boolean;
}

const MAX_TEXT = 1000;

export const queryText = (sql: string): string => sql.replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT);

/** `db` as it was when the threshold is 0 (off); otherwise the same Db, timing each statement. */
export function withSlowQueryLog(db: Db, thresholdMs: number, report: (q: SlowQuery) => void): Db {
  if (thresholdMs <= 0) return db;
  const timed = async <T>(sql: string, inTransaction: boolean, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await run();
    } finally {
      const ms = performance.now() - started;
      if (ms >= thresholdMs) report({ sql: queryText(sql), ms: Math.round(ms * 10) / 10, inTransaction });
    }
  };
  const wrap = (q: Queryable, inTransaction: boolean): Queryable => ({
    query: (sql, params) => timed(sql, inTransaction, () => q.query(sql, params)),
    exec: (sql) => timed(sql, inTransaction, () => q.exec(sql)),
  });
  return {
    kind: db.kind,
    ...wrap(db, false),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx, true))),
    close: () => db.close(),
  };
}
