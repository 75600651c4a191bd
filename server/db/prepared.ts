/**
 * Statements the hot paths run on every push, pull and K read, marked once (`prepared(sql)`):
 * on PostgreSQL each connection parses and plans such a statement once and then only binds and
 * executes it, which saves the planning time on every call (0.2–0.5 ms for the K reads and the
 * fraud facts, measured with EXPLAIN ANALYZE). Only constant SQL texts belong here: every
 * distinct text becomes a statement kept by each pooled connection. PGlite ignores the mark.
 */
const names = new Map<string, string>();

/** Marks `sql` as a prepared statement and returns it unchanged. */
export function prepared(sql: string): string {
  if (!names.has(sql)) names.set(sql, `plusone_${names.size + 1}`);
  return sql;
}

/** The statement name of a marked text, or undefined. */
export const preparedName = (sql: string): string | undefined => names.get(sql);
