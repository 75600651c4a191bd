/**
 * What a database holds, read from information_schema (never a hand-kept list, so a table added
 * by a later migration is counted too): for the progress lines of a backup and for the check
 * that a restore does not silently replace data.
 */
import type { Queryable } from '../db/db';

type Reader = Pick<Queryable, 'query'>;

export interface TableRef {
  schema: string;
  name: string;
}

export interface TableCount extends TableRef {
  rows: number;
}

export function quoteTable({ schema, name }: TableRef): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return `${q(schema)}.${q(name)}`;
}

export function tableLabel({ schema, name }: TableRef): string {
  return schema === 'public' ? name : `${schema}.${name}`;
}

/** Every ordinary table outside PostgreSQL's own schemas, in a stable order. */
export async function listTables(db: Reader): Promise<TableRef[]> {
  return db.query<TableRef>(
    `SELECT table_schema AS schema, table_name AS name
       FROM information_schema.tables
      WHERE table_type = 'BASE TABLE'
        AND table_schema NOT IN ('pg_catalog', 'information_schema')
        AND table_schema NOT LIKE 'pg\\_%'
      ORDER BY table_schema, table_name`,
  );
}

export async function countRows(db: Reader, tables?: TableRef[]): Promise<TableCount[]> {
  const result: TableCount[] = [];
  for (const t of tables ?? (await listTables(db))) {
    const [row] = await db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM ${quoteTable(t)}`);
    result.push({ ...t, rows: Number(row?.n ?? 0) });
  }
  return result;
}

export interface Contents {
  tables: TableRef[];
  /** Tables holding at least one row. */
  withRows: TableRef[];
  /** The newest applied migration, when the migrations table exists. */
  migrated: string | undefined;
  hasMigrationsTable: boolean;
}

export async function contentsOf(db: Reader): Promise<Contents> {
  const tables = await listTables(db);
  const withRows: TableRef[] = [];
  for (const t of tables) {
    const [row] = await db.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${quoteTable(t)}) AS any`);
    if (row?.any) withRows.push(t);
  }
  const hasMigrationsTable = tables.some((t) => t.name === 'schema_migrations');
  let migrated: string | undefined;
  if (hasMigrationsTable) {
    const [last] = await db.query<{ version: string | null }>('SELECT max(version) AS version FROM schema_migrations');
    migrated = last?.version ?? undefined;
  }
  return { tables, withRows, migrated, hasMigrationsTable };
}

/** Empty enough to restore into without --force: no migrations table and no table with rows. */
export function isEmpty(c: Contents): boolean {
  return !c.hasMigrationsTable && c.withRows.length === 0;
}

/** "schema_migrations (up to 012_rate_limits), 14 tables with rows: users, invitations, …" */
export function describeContents(c: Contents): string {
  const parts: string[] = [];
  if (c.hasMigrationsTable) parts.push(`migrations applied${c.migrated ? ` up to ${c.migrated}` : ''}`);
  if (c.withRows.length) {
    const names = c.withRows.map(tableLabel);
    const shown = names.length > 6 ? `${names.slice(0, 6).join(', ')}, …` : names.join(', ');
    parts.push(`${c.withRows.length} table${c.withRows.length === 1 ? '' : 's'} with rows (${shown})`);
  }
  return parts.join('; ') || 'empty';
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
