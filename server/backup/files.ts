/**
 * Backup files: written beside their final name and renamed once complete, so a backup that
 * failed halfway never looks like a good one; an existing file is only replaced with --force.
 * Each engine's format is recognised by its first bytes, so a restore names the mistake of
 * feeding one engine's backup to the other before anything is touched.
 */
import { existsSync, mkdirSync, openSync, readSync, closeSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BackupError } from './errors';

export type BackupFormat = 'pg_dump' | 'pglite' | 'unknown';

/** Where to write while working; refuses to replace an existing backup without --force. */
export function partialFor(out: string, force: boolean): string {
  const file = resolve(out);
  if (existsSync(file) && !force) throw new BackupError(`${out} already exists; choose another name or add --force to replace it`);
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  return partial;
}

export function commit(partial: string, out: string): number {
  renameSync(partial, resolve(out));
  return statSync(resolve(out)).size;
}

export function formatOf(file: string): BackupFormat {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist`);
  const head = Buffer.alloc(512);
  const fd = openSync(file, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (n >= 5 && head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'pg_dump';
  // PGlite's dumpDataDir: a gzipped tarball (or a plain one when made without compression).
  if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
  if (n >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'pglite';
  return 'unknown';
}

export function sizeOf(file: string): number {
  return statSync(file).size;
}
