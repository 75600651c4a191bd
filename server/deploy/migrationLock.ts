/**
 * The migration lock: the sha256 of every released migration, in server/db/migrations.lock.json.
 * A released migration is never edited (databases that applied it would differ from new ones;
 * start-up refuses a changed one, server/db/migrate.ts), so a test compares every file with the
 * lock; `npm run migrate -- --lock` adds new migrations to it and refuses to touch released ones.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Migration } from '../db/migrate';

export const lockFile = fileURLToPath(new URL('../db/migrations.lock.json', import.meta.url));

export const LOCK_COMMAND = 'npm run migrate -- --lock';

export interface Lock {
  about: string;
  /** version (file name without .sql) → sha256 of the file, hex. */
  migrations: Record<string, string>;
}

const ABOUT = `sha256 of every released migration (server/deploy/migrationLock.ts). Never edit a listed migration: add a new one, then run \`${LOCK_COMMAND}\`.`;

export function readLock(file = lockFile): Lock {
  return JSON.parse(readFileSync(file, 'utf8')) as Lock;
}

export interface LockCheck {
  /** Released migrations whose file no longer matches the lock. */
  changed: string[];
  /** Released migrations whose file is gone. */
  removed: string[];
  /** Migration files not in the lock yet. */
  unlocked: string[];
}

export function checkLock(migrations: Migration[], lock: Lock): LockCheck {
  const onDisk = new Map(migrations.map((m) => [m.version, m.checksum]));
  const locked = Object.entries(lock.migrations);
  return {
    changed: locked.filter(([v, sum]) => onDisk.has(v) && onDisk.get(v) !== sum).map(([v]) => v),
    removed: locked.filter(([v]) => !onDisk.has(v)).map(([v]) => v),
    unlocked: migrations.filter((m) => !(m.version in lock.migrations)).map((m) => m.version),
  };
}

/** What a person must do about a failed check, in words. Empty when the check passed. */
export function lockAdvice(check: LockCheck): string[] {
  const advice: string[] = [];
  for (const v of check.changed) {
    advice.push(`${v}.sql was changed after its release: restore it as released (git checkout -- server/db/migrations/${v}.sql) and put the change in a new migration`);
  }
  for (const v of check.removed) advice.push(`${v}.sql was released and is gone: restore it (git checkout -- server/db/migrations/${v}.sql)`);
  if (check.unlocked.length) {
    advice.push(`${check.unlocked.map((v) => `${v}.sql`).join(', ')} ${check.unlocked.length === 1 ? 'is' : 'are'} not in server/db/migrations.lock.json: once final, run \`${LOCK_COMMAND}\` and commit the lock with ${check.unlocked.length === 1 ? 'it' : 'them'}`);
  }
  return advice;
}

export class LockRefusedError extends Error {
  constructor(advice: string[]) {
    super(`the migration lock was not changed:\n${advice.map((a) => `  ${a}`).join('\n')}`);
    this.name = 'LockRefusedError';
  }
}

/** Adds unlocked migrations; refuses while a released one is changed or gone. */
export function extendLock(migrations: Migration[], lock: Lock): { lock: Lock; added: string[] } {
  const check = checkLock(migrations, lock);
  if (check.changed.length || check.removed.length) throw new LockRefusedError(lockAdvice({ ...check, unlocked: [] }));
  const entries = { ...lock.migrations };
  for (const m of migrations) entries[m.version] ??= m.checksum;
  const sorted = Object.fromEntries(Object.entries(entries).sort(([a], [b]) => a.localeCompare(b)));
  return { lock: { about: ABOUT, migrations: sorted }, added: check.unlocked };
}

export function writeLock(lock: Lock, file = lockFile): void {
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
}
