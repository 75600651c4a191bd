/**
 * Backup and restore of the PostgreSQL at DATABASE_URL with its own tools: `pg_dump -Fc` (one
 * consistent snapshot, compressed, restorable table by table) and `pg_restore --clean --if-exists
 * --no-owner --no-privileges --single-transaction`: the whole restore commits or nothing does,
 * so a bad archive or a lock timeout leaves the database as it was. Owners and grants are left
 * out so a backup restores under whatever role the target uses.
 */
import type { Db } from '../db/db';
import { openPostgres } from '../db/postgres';
import { BackupError, RestoreRefusedError } from './errors';
import { commit, formatOf, partialFor, sizeOf } from './files';
import { contentsOf, countRows, describeContents, formatBytes, isEmpty, tableLabel } from './inspect';
import { PgToolError, pgTarget, runPgTool } from './pgTools';

export type Progress = (line: string) => void;

export interface Options {
  force?: boolean;
  progress?: Progress;
  env?: NodeJS.ProcessEnv;
}

/** A restore waits this long for a table the app still uses, then gives up (and rolls back). */
const LOCK_TIMEOUT = '30s';

async function withDb<T>(databaseUrl: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = openPostgres(databaseUrl, 1);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

/** Tables an archive holds data for, from `pg_restore --list`. */
export async function archiveTables(file: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const list = await runPgTool('pg_restore', ['--list', file], env);
  // e.g. "3345; 0 16401 TABLE DATA public users postgres"
  return [...list.matchAll(/^\d+; \d+ \d+ TABLE DATA (\S+) (\S+) /gm)].map(([, schema, name]) => (schema === 'public' ? name! : `${schema}.${name}`));
}

export async function backupPostgres(databaseUrl: string, out: string, { force = false, progress = () => undefined, env }: Options = {}): Promise<{ bytes: number; tables: number }> {
  const target = pgTarget(databaseUrl, env);
  const started = performance.now();
  const { size, contents } = await withDb(databaseUrl, async (db) => ({
    size: Number((await db.query<{ size: number }>('SELECT pg_database_size(current_database()) AS size'))[0]?.size ?? 0),
    contents: await contentsOf(db),
  }));
  progress(`Backing up ${target.display} (${formatBytes(size)} on disk, ${contents.tables.length} tables; ${describeContents(contents)})`);
  const partial = partialFor(out, force);
  await runPgTool('pg_dump', ['--format=custom', '--verbose', `--file=${partial}`, `--dbname=${target.url}`], target.env, (line) => {
    const table = /dumping contents of table "?([^"]+)"?/.exec(line)?.[1];
    if (table) progress(`  ${table.replace(/^public\./, '')}`);
  });
  // Read it back before calling it a backup: an archive pg_restore cannot list is no backup.
  const tables = await archiveTables(partial, target.env);
  const bytes = commit(partial, out);
  progress(`Wrote ${out}: ${formatBytes(bytes)}, ${tables.length} tables, in ${seconds(started)} s`);
  return { bytes, tables: tables.length };
}

export async function restorePostgres(databaseUrl: string, file: string, { force = false, progress = () => undefined, env }: Options = {}): Promise<{ tables: number; rows: number }> {
  const target = pgTarget(databaseUrl, env);
  const format = formatOf(file);
  if (format !== 'pg_dump') {
    throw new BackupError(
      format === 'pglite'
        ? `${file} is a backup of the embedded database (PGlite); restore it with DATABASE_URL unset and DATA_DIR set`
        : `${file} is not a pg_dump archive (made by npm run backup on PostgreSQL)`,
    );
  }
  const started = performance.now();
  const archived = await archiveTables(file, target.env);
  const before = await withDb(databaseUrl, contentsOf);
  if (!isEmpty(before)) {
    if (!force) {
      throw new RestoreRefusedError(
        `refusing to restore into ${target.display}: it is not empty (${describeContents(before)}). ` +
          'A restore replaces every table the backup holds. Stop every app replica, then run again with --force.',
      );
    }
    progress(`Replacing the contents of ${target.display} (${describeContents(before)}) — --force`);
  }
  progress(`Restoring ${file} (${formatBytes(sizeOf(file))}, ${archived.length} tables) into ${target.display}`);
  const toolEnv = { ...target.env, PGOPTIONS: `${target.env.PGOPTIONS ?? ''} -c lock_timeout=${LOCK_TIMEOUT}`.trim() };
  try {
    await runPgTool(
      'pg_restore',
      ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', '--verbose', `--dbname=${target.url}`, file],
      toolEnv,
      (line) => {
        const table = /processing data for table "?([^"]+)"?/.exec(line)?.[1];
        if (table) progress(`  ${table.replace(/^public\./, '')}`);
      },
    );
  } catch (err) {
    if (err instanceof PgToolError && /lock timeout/.test(err.message)) {
      throw new BackupError(`${err.message}\nThe database is still in use (is an app replica running?). Nothing was changed: stop every replica and run again.`);
    }
    throw err;
  }
  const { counts, after } = await withDb(databaseUrl, async (db) => ({ counts: await countRows(db), after: await contentsOf(db) }));
  const rows = counts.reduce((s, t) => s + t.rows, 0);
  progress(`Restored ${archived.length} tables, ${rows.toLocaleString('en-US')} rows, in ${seconds(started)} s${after.migrated ? `; migrations up to ${after.migrated}` : ''}`);
  // --clean drops what the archive holds; a table only the target had survives and may stop a later migration.
  const extra = after.tables.map(tableLabel).filter((t) => !archived.includes(t));
  if (extra.length) progress(`Warning: tables not in the backup were left as they were: ${extra.join(', ')}`);
  return { tables: archived.length, rows };
}
