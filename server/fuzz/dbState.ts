/**
 * The database's state, to prove a batch of refused requests changed nothing: for every table
 * of the public schema, its row count and an md5 of its rows in primary-key order, read in one
 * statement (one snapshot of the database).
 */
import type { Queryable } from '../db/db';

/**
 * Rows that something other than a request writes while the fuzz runs, left out (the rest of
 * each table is compared). Nothing else is left out: sessions are only read by a request
 * (sign-in writes one, and the fuzz's sign-ins are refused); rate_limits has no counters to
 * count while the test server's limits are off; error_log is written only on a 500, which the
 * fuzz must never see; the metrics snapshots are held during the fuzz (see fuzz.test.ts).
 */
export const scheduledRows: Record<string, string> = {
  // The anonymisation runs a minute after start and then daily (privacy/anonymise.ts) and logs
  // each run; over 90 days of demo data it changes nothing else. A request's runs say 'owner' or 'user'.
  privacy_log: `"trigger" = 'schedule'`,
};

export type DbState = Map<string, { rows: number; md5: string }>;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function readState(db: Queryable): Promise<DbState> {
  const tables = await db.query<{ table: string; key: string | null }>(
    `SELECT t.table_name AS "table",
            (SELECT string_agg(quote_ident(k.column_name), ', ' ORDER BY k.ordinal_position)
               FROM information_schema.table_constraints c
               JOIN information_schema.key_column_usage k ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema AND k.table_name = c.table_name
              WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.constraint_type = 'PRIMARY KEY') AS key
       FROM information_schema.tables t
      WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      ORDER BY 1`,
  );
  const parts = tables.map(({ table, key }) => {
    const where = scheduledRows[table] ? `WHERE NOT (${scheduledRows[table]})` : '';
    // Without a primary key, the rows' own text orders them.
    const order = key ? key.split(', ').map((k) => `x.${k}`).join(', ') : 'x::text';
    return `SELECT ${`'${table.replace(/'/g, "''")}'`} AS "table", count(*)::int AS rows, md5(coalesce(string_agg(x::text, E'\\n' ORDER BY ${order}), '')) AS md5 FROM ${ident(table)} x ${where}`;
  });
  const rows = await db.query<{ table: string; rows: number; md5: string }>(parts.join('\nUNION ALL\n'));
  return new Map(rows.map((r) => [r.table, { rows: r.rows, md5: r.md5 }]));
}

/** The tables whose count or checksum differ, in words ("invitations: 120 rows → 121"). */
export function differences(before: DbState, after: DbState): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].flatMap((t) => {
    const a = before.get(t);
    const b = after.get(t);
    if (a?.rows === b?.rows && a?.md5 === b?.md5) return [];
    return [`${t}: ${a?.rows ?? 'absent'} rows → ${b?.rows ?? 'absent'}${a?.rows === b?.rows ? ' (same count, rows changed)' : ''}`];
  });
}
