/**
 * Backup and restore of the embedded database (PGlite in DATA_DIR) with PGlite's own dump: a
 * gzipped tarball of the data directory (`dumpDataDir`), loaded back with `loadDataDir`. PGlite
 * is one process's database, so both need the server stopped (a running one holds
 * `postmaster.pid` in DATA_DIR). A restore is built in a scratch folder and checked first, then
 * copied in: a bad file never costs the data that was there.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { BackupError, RestoreRefusedError } from './errors';
import { commit, formatOf, partialFor, sizeOf } from './files';
import { contentsOf, countRows, describeContents, formatBytes } from './inspect';
import type { Options } from './postgres';

function reader(pg: PGlite) {
  return { query: async <Row>(sql: string, params?: unknown[]) => (await pg.query<Row>(sql, params)).rows };
}

function assertNotRunning(dataDir: string): void {
  if (existsSync(join(dataDir, 'postmaster.pid'))) {
    throw new BackupError(
      `${dataDir} is in use (postmaster.pid): stop the server first. ` +
        'If none is running, the last one did not shut down cleanly: start it once and stop it with Ctrl-C.',
    );
  }
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

export async function backupPglite(dataDir: string, out: string, { force = false, progress = () => undefined }: Options = {}): Promise<{ bytes: number; tables: number }> {
  if (!existsSync(join(dataDir, 'PG_VERSION'))) throw new BackupError(`no embedded database in ${dataDir} (DATA_DIR)`);
  assertNotRunning(dataDir);
  const started = performance.now();
  const partial = partialFor(out, force);
  const pg = await PGlite.create({ dataDir });
  let tables: number;
  try {
    const contents = await contentsOf(reader(pg));
    tables = contents.tables.length;
    progress(`Backing up the embedded database in ${dataDir} (${tables} tables; ${describeContents(contents)})`);
    const dump = await pg.dumpDataDir('gzip');
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await pg.close();
  }
  const bytes = commit(partial, out);
  progress(`Wrote ${out}: ${formatBytes(bytes)}, ${tables} tables, in ${seconds(started)} s`);
  return { bytes, tables };
}

export async function restorePglite(dataDir: string, file: string, { force = false, progress = () => undefined }: Options = {}): Promise<{ tables: number; rows: number }> {
  const format = formatOf(file);
  if (format !== 'pglite') {
    throw new BackupError(
      format === 'pg_dump'
        ? `${file} is a pg_dump archive of a PostgreSQL server; restore it with DATABASE_URL set to that kind of database`
        : `${file} is not a backup of the embedded database (made by npm run backup without DATABASE_URL)`,
    );
  }
  const present = existsSync(dataDir) ? readdirSync(dataDir) : [];
  if (present.length) {
    assertNotRunning(dataDir);
    if (!force) {
      throw new RestoreRefusedError(
        `refusing to restore into ${dataDir}: it is not empty (${present.length} entries${present.includes('PG_VERSION') ? ', an embedded database' : ''}). ` +
          'A restore replaces it. Stop the server, then run again with --force (or point DATA_DIR at an empty folder).',
      );
    }
  }
  const started = performance.now();
  progress(`Restoring ${file} (${formatBytes(sizeOf(file))}) into ${dataDir}`);
  const scratch = mkdtempSync(join(tmpdir(), 'plusone-restore-'));
  try {
    const built = join(scratch, 'data');
    const pg = await PGlite.create({ dataDir: built, loadDataDir: new Blob([readFileSync(file)]) });
    let counts;
    try {
      counts = await countRows(reader(pg));
    } finally {
      await pg.close();
    }
    progress(`  checked: ${counts.length} tables, ${counts.reduce((s, t) => s + t.rows, 0).toLocaleString('en-US')} rows`);
    if (present.length) {
      progress(`  replacing the ${present.length} entries of ${dataDir} (--force)`);
      for (const entry of present) rmSync(join(dataDir, entry), { recursive: true, force: true });
    }
    cpSync(built, dataDir, { recursive: true });
    const rows = counts.reduce((s, t) => s + t.rows, 0);
    progress(`Restored ${counts.length} tables, ${rows.toLocaleString('en-US')} rows, in ${seconds(started)} s`);
    return { tables: counts.length, rows };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
