/**
 * Backups that restore: demo data is backed up, the database wiped, the backup restored, and
 * every table (listed from information_schema, so tables of later migrations count too)
 * compared row for row, with the sequences. On real PostgreSQL (pg_dump / pg_restore) and on
 * the embedded PGlite (its data-directory dump). Through the same entry point as
 * `npm run backup` / `npm run restore`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../db/db';
import { migrate } from '../db/migrate';
import { openPglite } from '../db/pglite';
import { openPostgres } from '../db/postgres';
import { seedDemo } from '../demo/seed';
import { hasPostgres } from '../test/databases';
import { runCommand } from './cli';
import { listTables, quoteTable, tableLabel } from './inspect';

type Reader = Pick<Queryable, 'query'>;

interface Fingerprint {
  tables: Record<string, { rows: number; md5: string }>;
  sequences: Record<string, number | null>;
}

/** Row count and an md5 over the ordered text of every row, for every table; sequence positions. */
async function fingerprint(db: Reader): Promise<Fingerprint> {
  const tables: Fingerprint['tables'] = {};
  for (const t of await listTables(db)) {
    const [r] = await db.query<{ rows: number; md5: string }>(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) AS md5 FROM ${quoteTable(t)} x`,
    );
    tables[tableLabel(t)] = r!;
  }
  const seqs = await db.query<{ name: string; last_value: number | null }>(
    `SELECT schemaname || '.' || sequencename AS name, last_value FROM pg_sequences ORDER BY 1`,
  );
  return { tables, sequences: Object.fromEntries(seqs.map((s) => [s.name, s.last_value === null ? null : Number(s.last_value)])) };
}

function capture() {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, console: { log: (l: string) => lines.push(l), error: (l: string) => errors.push(l) }, all: () => [...lines, ...errors].join('\n') };
}

const PATH = process.env.PATH;
const scratch = mkdtempSync(join(tmpdir(), 'plusone-backup-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(!hasPostgres)('backups on PostgreSQL (pg_dump, pg_restore)', { timeout: 120_000 }, () => {
  const admin = process.env.DATABASE_URL!;
  const name = `plusone_t_${randomBytes(6).toString('hex')}`;
  const url = Object.assign(new URL(admin), { pathname: `/${name}` }).toString();
  const env = { DATABASE_URL: url, PATH };
  const file = join(scratch, 'pg', 'plusone.dump');
  let seeded: Fingerprint;

  async function adminQuery(sql: string) {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  }
  async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const db = openPostgres(url, 2);
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE ${name}`);
    seeded = await withDb(async (db) => {
      await migrate(db);
      await seedDemo(db, { scale: 0.1 });
      return fingerprint(db);
    });
  });
  afterAll(() => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

  it('a backup restored into a wiped database gives back every table row for row', async () => {
    expect(Object.keys(seeded.tables)).toEqual(expect.arrayContaining(['users', 'invitations', 'bookings', 'schema_migrations']));
    expect(seeded.tables.invitations!.rows).toBeGreaterThan(100);

    const backup = capture();
    expect(await runCommand('backup', ['--out', file], env, backup.console), backup.all()).toBe(0);
    expect(backup.lines.at(-1)).toMatch(new RegExp(`^Wrote ${file}: .* ${Object.keys(seeded.tables).length} tables`));
    expect(readdirSync(join(scratch, 'pg'))).toEqual(['plusone.dump']);

    await adminQuery(`DROP DATABASE ${name} WITH (FORCE)`);
    await adminQuery(`CREATE DATABASE ${name}`);
    expect(await withDb(async (db) => (await listTables(db)).length)).toBe(0);

    const restore = capture();
    expect(await runCommand('restore', ['--in', file], env, restore.console), restore.all()).toBe(0);
    expect(restore.lines.at(-1)).toMatch(/^Restored \d+ tables, [\d,]+ rows, in [\d.]+ s; migrations up to \d{3}_/);
    expect(await withDb(fingerprint)).toEqual(seeded);
  });

  it('a restore into a database that holds data is refused without --force and changes nothing; --force replaces it', async () => {
    const changed = await withDb(async (db) => {
      await db.query('DELETE FROM bookings');
      await db.query(`UPDATE users SET name = 'Changed' WHERE email = 'ritz@demo.plusone'`);
      return fingerprint(db);
    });
    expect(changed).not.toEqual(seeded);

    const refused = capture();
    expect(await runCommand('restore', ['--in', file], env, refused.console)).toBe(3);
    expect(refused.errors.join('\n')).toMatch(/refusing to restore into postgres@127\.0\.0\.1:5432\/plusone_t_\w+: it is not empty \(migrations applied up to \d{3}_\w+; \d+ tables with rows/);
    expect(refused.errors.join('\n')).toContain('--force');
    expect(await withDb(fingerprint)).toEqual(changed);

    const forced = capture();
    expect(await runCommand('restore', ['--in', file, '--force'], env, forced.console), forced.all()).toBe(0);
    expect(forced.lines[0]).toMatch(/^Replacing the contents of .* --force$/);
    expect(await withDb(fingerprint)).toEqual(seeded);
  });

  it('an existing backup file is only replaced with --force', async () => {
    const refused = capture();
    expect(await runCommand('backup', ['--out', file], env, refused.console)).toBe(1);
    expect(refused.errors.join('\n')).toContain(`${file} already exists`);
    expect(await runCommand('backup', ['--out', file, '--force'], env, capture().console)).toBe(0);
  });

  it('a table only the target has survives the restore, and the operator is told', async () => {
    await withDb((db) => db.query('CREATE TABLE leftover (id int)'));
    const out = capture();
    expect(await runCommand('restore', ['--in', file, '--force'], env, out.console), out.all()).toBe(0);
    expect(out.lines.at(-1)).toBe('Warning: tables not in the backup were left as they were: leftover');
    await withDb((db) => db.query('DROP TABLE leftover'));
  });

  it('the password never reaches the output, and a failed dump leaves no file', async () => {
    const secret = 's3cret-Pw';
    const out = capture();
    const code = await runCommand('backup', ['--out', join(scratch, 'pg', 'nothing.dump')], { DATABASE_URL: `postgres://someone:${secret}@127.0.0.1:1/x`, PATH }, out.console);
    expect(code).toBe(1);
    expect(out.errors.join('\n')).toMatch(/^backup failed: /);
    expect(out.all()).not.toContain(secret);
    expect(existsSync(join(scratch, 'pg', 'nothing.dump'))).toBe(false);
  });

  it('a backup of the other engine is refused before anything is touched', async () => {
    const fake = join(scratch, 'pg', 'pglite.tar.gz');
    writeFileSync(fake, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]));
    const out = capture();
    expect(await runCommand('restore', ['--in', fake, '--force'], env, out.console)).toBe(1);
    expect(out.errors.join('\n')).toContain('is a backup of the embedded database (PGlite); restore it with DATABASE_URL unset');
    expect(await withDb(fingerprint)).toEqual(seeded);
  });
});

// Each step boots PGlite (WASM) once or twice: seconds each on a busy machine, so a larger cap.
describe('backups of the embedded database (PGlite)', { timeout: 180_000 }, () => {
  const dataDir = join(scratch, 'pglite', 'data');
  const env = { DATA_DIR: dataDir, PATH };
  const file = join(scratch, 'pglite', 'plusone.tar.gz');
  let seeded: Fingerprint;

  async function withDir<T>(dir: string, fn: (db: Db) => Promise<T>): Promise<T> {
    const db = await openPglite(dir);
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  beforeAll(async () => {
    seeded = await withDir(dataDir, async (db) => {
      await migrate(db);
      await seedDemo(db, { scale: 0.1 });
      return fingerprint(db);
    });
  }, 180_000);

  it('a backup restored into an empty DATA_DIR gives back every table row for row', async () => {
    const backup = capture();
    expect(await runCommand('backup', ['--out', file], env, backup.console), backup.all()).toBe(0);
    expect(backup.lines[0]).toMatch(/^Backing up the embedded database in .* \(\d+ tables; migrations applied up to \d{3}_\w+; \d+ tables with rows/);

    const elsewhere = join(scratch, 'pglite', 'restored');
    const restore = capture();
    expect(await runCommand('restore', ['--in', file], { DATA_DIR: elsewhere, PATH }, restore.console), restore.all()).toBe(0);
    expect(await withDir(elsewhere, fingerprint)).toEqual(seeded);
  });

  it('a running server (its postmaster.pid) stops a backup or a restore', async () => {
    const running = await PGlite.create({ dataDir });
    try {
      const out = capture();
      expect(await runCommand('backup', ['--out', join(scratch, 'pglite', 'busy.tar.gz')], env, out.console)).toBe(1);
      expect(out.errors.join('\n')).toContain('is in use (postmaster.pid): stop the server first');
      expect(await runCommand('restore', ['--in', file, '--force'], env, capture().console)).toBe(1);
    } finally {
      await running.close();
    }
  });

  it('a non-empty DATA_DIR is refused without --force and kept; --force replaces it', async () => {
    const changed = await withDir(dataDir, async (db) => {
      await db.query('DELETE FROM bookings');
      return fingerprint(db);
    });
    const refused = capture();
    expect(await runCommand('restore', ['--in', file], env, refused.console)).toBe(3);
    expect(refused.errors.join('\n')).toMatch(/refusing to restore into .*: it is not empty \(\d+ entries, an embedded database\).*--force/);
    expect(await withDir(dataDir, fingerprint)).toEqual(changed);

    const forced = capture();
    expect(await runCommand('restore', ['--in', file, '--force'], env, forced.console), forced.all()).toBe(0);
    expect(await withDir(dataDir, fingerprint)).toEqual(seeded);
  });

  it('a file that is no backup, or a pg_dump archive, is refused and the data kept', async () => {
    const junk = join(scratch, 'pglite', 'junk.bin');
    writeFileSync(junk, 'not a backup');
    const pgdump = join(scratch, 'pglite', 'x.dump');
    writeFileSync(pgdump, 'PGDMP\u0001\u000e');
    const a = capture();
    expect(await runCommand('restore', ['--in', junk, '--force'], env, a.console)).toBe(1);
    expect(a.errors.join('\n')).toContain('is not a backup of the embedded database');
    const b = capture();
    expect(await runCommand('restore', ['--in', pgdump, '--force'], env, b.console)).toBe(1);
    expect(b.errors.join('\n')).toContain('is a pg_dump archive of a PostgreSQL server');
    expect(await withDir(dataDir, fingerprint)).toEqual(seeded);
  });
});

describe('the commands', () => {
  it('say how to use them, and stop on a wrong configuration naming the variable', async () => {
    const a = capture();
    expect(await runCommand('backup', [], { PATH }, a.console)).toBe(2);
    expect(a.errors).toEqual(['usage: npm run backup -- --out <file> [--force: replace an existing file]']);
    const b = capture();
    expect(await runCommand('restore', ['--bogus'], { PATH }, b.console)).toBe(2);
    expect(b.errors.join('\n')).toMatch(/bogus[\s\S]*usage: npm run restore -- --in <file>/);
    const c = capture();
    expect(await runCommand('restore', ['--help'], { PATH }, c.console)).toBe(0);
    expect(c.lines[0]).toMatch(/^usage: npm run restore/);
    const d = capture();
    expect(await runCommand('backup', ['--out', 'x'], { DATABASE_URL: 'mysql://nope', PATH }, d.console)).toBe(2);
    expect(d.errors.join('\n')).toMatch(/DATABASE_URL: must be a postgres:\/\/ URL/);
    const e = capture();
    expect(await runCommand('restore', ['--in', join(scratch, 'missing.dump')], { DATA_DIR: join(scratch, 'none'), PATH }, e.console)).toBe(1);
    expect(e.errors.join('\n')).toContain('missing.dump does not exist');
    const f = capture();
    expect(await runCommand('backup', ['--out', join(scratch, 'y.tar.gz')], { DATA_DIR: join(scratch, 'none'), PATH }, f.console)).toBe(1);
    expect(f.errors.join('\n')).toContain('no embedded database in');
  });
});
