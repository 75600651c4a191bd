/**
 * `npm run migrate`: applies the migrations to the database the server would open (PostgreSQL
 * at DATABASE_URL, else the embedded one in DATA_DIR) and says what it applied; the server does
 * the same at start, so this is for applying them before a deploy or checking a database.
 * `npm run migrate -- --lock`: adds new migration files to server/db/migrations.lock.json
 * (touches no database). Exit codes: 0 done, 1 failed, 2 wrong usage or configuration.
 */
import { parseArgs } from 'node:util';
import type { Console } from '../backup/cli';
import { pgTarget } from '../backup/pgTools';
import { ConfigError, loadConfig } from '../config';
import { loadMigrations, migrate, migrationsDir } from '../db/migrate';
import { openDb } from '../db/open';
import { extendLock, lockFile, LockRefusedError, readLock, writeLock } from './migrationLock';

const USAGE = 'usage: npm run migrate [-- --lock: add new migration files to server/db/migrations.lock.json]';

export interface MigrateCommandOptions {
  dir?: string;
  lockPath?: string;
}

export async function runMigrate(argv: string[], env: NodeJS.ProcessEnv, out: Console, { dir = migrationsDir, lockPath = lockFile }: MigrateCommandOptions = {}): Promise<number> {
  let lock: boolean;
  try {
    const { values } = parseArgs({ args: argv, options: { lock: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
    if (values.help) {
      out.log(USAGE);
      return 0;
    }
    lock = values.lock;
  } catch (err) {
    out.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const migrations = loadMigrations(dir);

  if (lock) {
    try {
      const { lock: next, added } = extendLock(migrations, readLock(lockPath));
      writeLock(next, lockPath);
      out.log(added.length ? `Locked ${added.join(', ')} (${Object.keys(next.migrations).length} released migrations)` : `Nothing new: all ${migrations.length} migrations are locked`);
      return 0;
    } catch (err) {
      if (!(err instanceof LockRefusedError)) throw err;
      out.error(err.message);
      return 1;
    }
  }

  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    out.error(err.message);
    return 2;
  }
  const where = config.DATABASE_URL ? `PostgreSQL ${pgTarget(config.DATABASE_URL).display}` : `the embedded database in ${config.DATA_DIR}`;
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: 1 });
  try {
    out.log(`Migrating ${where}: ${migrations.length} migrations`);
    const started = performance.now();
    const applied = await migrate(db, migrations);
    for (const v of applied) out.log(`  applied ${v}`);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    out.log(applied.length ? `Applied ${applied.length} in ${seconds} s; up to ${migrations.at(-1)?.version}` : `Up to date (${migrations.at(-1)?.version ?? 'no migrations'})`);
    return 0;
  } catch (err) {
    // A changed migration names itself (MigrationChangedError), a failing statement its error.
    out.error(`migrate failed: ${(err as Error).message}`);
    return 1;
  } finally {
    await db.close();
  }
}
