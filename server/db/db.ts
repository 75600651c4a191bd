/**
 * One database interface over two engines: a real PostgreSQL through `pg` (when DATABASE_URL
 * is set) and embedded PGlite in a local folder (when it is not). Both run the same SQL and the
 * same migrations; int8 values come back as JavaScript numbers on both (our revs and counts stay
 * far below 2^53), timestamps as Date.
 */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const INT8_OID = 20;
export const NUMERIC_OID = 1700;
