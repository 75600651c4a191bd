/**
 * Migrations are numbered plain .sql files in ./migrations, applied in order at start, each in
 * its own transaction, and recorded with a checksum. A released migration is never edited: if
 * the file of an applied migration changed, start-up stops and names it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db';

export const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));
const MIGRATION_LOCK = 7_474_001;

export interface Migration {
  version: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(dir = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8');
      return { version: file.replace(/\.sql$/, ''), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export class MigrationChangedError extends Error {
  constructor(version: string) {
    super(`migration ${version} was changed after it was applied; add a new migration instead`);
    this.name = 'MigrationChangedError';
  }
}

/** Applies what is missing; returns the versions applied now. */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<string[]> {
  return db.transaction(async (tx) => {
    // Serialises concurrent starts of several processes on one database.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = new Map(
      (await tx.query<{ version: string; checksum: string }>('SELECT version, checksum FROM schema_migrations')).map(
        (r) => [r.version, r.checksum],
      ),
    );
    const done: string[] = [];
    for (const m of migrations) {
      const known = applied.get(m.version);
      if (known !== undefined) {
        if (known !== m.checksum) throw new MigrationChangedError(m.version);
        continue;
      }
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)', [m.version, m.checksum]);
      done.push(m.version);
    }
    return done;
  });
}

/** True when every migration on disk is applied (for /readyz). */
export async function migrationsApplied(db: Db, migrations = loadMigrations()): Promise<boolean> {
  // A database that never ran migrate() has no table yet: not migrated (it is reachable).
  const [table] = await db.query<{ exists: boolean }>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS exists`);
  if (!table?.exists) return false;
  const rows = await db.query<{ version: string }>(
    `SELECT version FROM schema_migrations WHERE version = ANY($1::text[])`,
    [migrations.map((m) => m.version)],
  );
  return rows.length === migrations.length;
}
