/**
 * A released migration is never edited: server/db/migrations.lock.json holds the sha256 of each,
 * and this file fails, saying what to do, when one changed, is gone, or a new one is not locked
 * yet. Then `npm run migrate` and its `--lock` on copies of the migrations folder.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrationsDir } from '../db/migrate';
import { freshDb } from '../test/databases';
import { checkLock, extendLock, lockAdvice, lockFile, readLock } from './migrationLock';
import { runMigrate } from './migrateCommand';

const scratch = mkdtempSync(join(tmpdir(), 'plusone-lock-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the migrations folder and of the lock, to change freely. */
function copies(name: string) {
  const dir = join(scratch, name, 'migrations');
  cpSync(migrationsDir, dir, { recursive: true });
  const lockPath = join(scratch, name, 'migrations.lock.json');
  cpSync(lockFile, lockPath);
  return { dir, lockPath };
}

function capture() {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, console: { log: (l: string) => lines.push(l), error: (l: string) => errors.push(l) } };
}

describe('the migration lock', () => {
  it('every released migration is unchanged, and every migration file is in the lock', () => {
    const advice = lockAdvice(checkLock(loadMigrations(), readLock()));
    // On failure the message says exactly what to run or restore.
    expect(advice, advice.join('\n')).toEqual([]);
  });

  it('names a changed migration, a removed one and a new one, with what to do about each', () => {
    const lock = readLock();
    const [first, second] = Object.keys(lock.migrations);
    const migrations = loadMigrations()
      .filter((m) => m.version !== second)
      .map((m) => (m.version === first ? { ...m, checksum: 'f'.repeat(64) } : m))
      .concat({ version: '999_new_thing', sql: 'SELECT 1', checksum: '0'.repeat(64) });
    const check = checkLock(migrations, lock);
    expect(check.changed).toEqual([first]);
    expect(check.removed).toEqual([second]);
    expect(check.unlocked).toContain('999_new_thing');
    const advice = lockAdvice(check);
    expect(advice[0]).toBe(`${first}.sql was changed after its release: restore it as released (git checkout -- server/db/migrations/${first}.sql) and put the change in a new migration`);
    expect(advice[1]).toBe(`${second}.sql was released and is gone: restore it (git checkout -- server/db/migrations/${second}.sql)`);
    expect(advice.at(-1)).toMatch(/999_new_thing\.sql (is|are) not in server\/db\/migrations\.lock\.json: once final, run `npm run migrate -- --lock` and commit the lock/);
    expect(() => extendLock(migrations, lock)).toThrow(/the migration lock was not changed:\n {2}\d{3}_\w+\.sql was changed after its release/);
  });

  it('`npm run migrate -- --lock` adds a new migration and keeps the released ones as they were', async () => {
    const { dir, lockPath } = copies('add');
    const before = readLock(lockPath);
    writeFileSync(join(dir, '998_add_a_column.sql'), 'ALTER TABLE users ADD COLUMN nickname text;\n');
    const out = capture();
    expect(await runMigrate(['--lock'], {}, out.console, { dir, lockPath })).toBe(0);
    expect(out.lines[0]).toMatch(/^Locked (.*, )?998_add_a_column \(\d+ released migrations\)$/);
    const after = readLock(lockPath);
    expect(after.migrations).toMatchObject(before.migrations);
    expect(after.migrations['998_add_a_column']).toBe(loadMigrations(dir).find((m) => m.version === '998_add_a_column')!.checksum);
    expect(Object.keys(after.migrations)).toEqual(Object.keys(after.migrations).sort());

    const again = capture();
    expect(await runMigrate(['--lock'], {}, again.console, { dir, lockPath })).toBe(0);
    expect(again.lines).toEqual([`Nothing new: all ${loadMigrations(dir).length} migrations are locked`]);
  });

  it('`--lock` refuses while a released migration is edited, and leaves the lock alone', async () => {
    const { dir, lockPath } = copies('edited');
    const released = Object.keys(readLock(lockPath).migrations)[0]!;
    writeFileSync(join(dir, `${released}.sql`), `${readFileSync(join(dir, `${released}.sql`), 'utf8')}\n-- an edit\n`);
    const lockBefore = readFileSync(lockPath, 'utf8');
    const out = capture();
    expect(await runMigrate(['--lock'], {}, out.console, { dir, lockPath })).toBe(1);
    expect(out.errors.join('\n')).toContain(`${released}.sql was changed after its release`);
    expect(readFileSync(lockPath, 'utf8')).toBe(lockBefore);
  });
});

describe('npm run migrate', () => {
  it('applies what is missing and says what, then finds the database up to date', async () => {
    const t = await freshDb(undefined, { migrated: false });
    try {
      const env = t.url ? { DATABASE_URL: t.url } : { DATA_DIR: join(scratch, 'migrate-data') };
      if (!t.url) await t.drop(); // PGlite: the command opens DATA_DIR itself
      const all = loadMigrations();
      const first = capture();
      expect(await runMigrate([], env, first.console), first.errors.join('\n')).toBe(0);
      expect(first.lines[0]).toMatch(/^Migrating (PostgreSQL postgres@127\.0\.0\.1:5432\/plusone_t_\w+|the embedded database in .*): \d+ migrations$/);
      expect(first.lines.slice(1, -1)).toEqual(all.map((m) => `  applied ${m.version}`));
      expect(first.lines.at(-1)).toMatch(new RegExp(`^Applied ${all.length} in [\\d.]+ s; up to ${all.at(-1)!.version}$`));

      const second = capture();
      expect(await runMigrate([], env, second.console)).toBe(0);
      expect(second.lines.at(-1)).toBe(`Up to date (${all.at(-1)!.version})`);

      // An applied migration edited afterwards stops it, named.
      const { dir } = copies('applied-edit');
      unlinkSync(join(dir, `${all[0]!.version}.sql`));
      writeFileSync(join(dir, `${all[0]!.version}.sql`), '-- rewritten\n');
      const third = capture();
      expect(await runMigrate([], env, third.console, { dir })).toBe(1);
      expect(third.errors).toEqual([`migrate failed: migration ${all[0]!.version} was changed after it was applied; add a new migration instead`]);
    } finally {
      if (t.url) await t.drop();
    }
  });

  it('says how to use it, and stops on a wrong configuration naming the variable', async () => {
    const help = capture();
    expect(await runMigrate(['--help'], {}, help.console)).toBe(0);
    expect(help.lines[0]).toMatch(/^usage: npm run migrate/);
    const wrong = capture();
    expect(await runMigrate(['--nope'], {}, wrong.console)).toBe(2);
    const config = capture();
    expect(await runMigrate([], { PG_POOL_MAX: 'many' }, config.console)).toBe(2);
    expect(config.errors.join('\n')).toContain('PG_POOL_MAX');
  });
});
