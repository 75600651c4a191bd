/**
 * `npm run backup -- --out <file> [--force]` and `npm run restore -- --in <file> [--force]`,
 * for the database the server would open: PostgreSQL at DATABASE_URL, else the embedded one in
 * DATA_DIR (server/config.ts validates both). Exit codes: 0 done, 1 failed, 2 wrong usage or
 * configuration, 3 restore refused (the target holds data; nothing was changed).
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { BackupError, RestoreRefusedError } from './errors';
import { backupPglite, restorePglite } from './pglite';
import { backupPostgres, restorePostgres } from './postgres';
import { PgToolError, redactUrl } from './pgTools';

export interface Console {
  log(line: string): void;
  error(line: string): void;
}

type Kind = 'backup' | 'restore';

const USAGE: Record<Kind, string> = {
  backup: 'usage: npm run backup -- --out <file> [--force: replace an existing file]',
  restore: 'usage: npm run restore -- --in <file> [--force: replace a database that holds data]',
};

export async function runCommand(kind: Kind, argv: string[], env: NodeJS.ProcessEnv, out: Console): Promise<number> {
  let file: string | undefined;
  let force: boolean;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { out: { type: 'string' }, in: { type: 'string' }, force: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
    });
    if (values.help) {
      out.log(USAGE[kind]);
      return 0;
    }
    file = kind === 'backup' ? values.out : values.in;
    force = values.force;
  } catch (err) {
    out.error(`${(err as Error).message}\n${USAGE[kind]}`);
    return 2;
  }
  if (!file) {
    out.error(USAGE[kind]);
    return 2;
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      out.error(err.message);
      return 2;
    }
    throw err;
  }
  const options = { force, progress: (line: string) => out.log(line), env };
  try {
    const url = config.DATABASE_URL;
    if (kind === 'backup') await (url ? backupPostgres(url, file, options) : backupPglite(config.DATA_DIR, file, options));
    else await (url ? restorePostgres(url, file, options) : restorePglite(config.DATA_DIR, file, options));
    return 0;
  } catch (err) {
    if (err instanceof RestoreRefusedError) {
      out.error(err.message);
      return 3;
    }
    if (err instanceof BackupError || err instanceof PgToolError) {
      out.error(`${kind} failed: ${err.message}`);
      return 1;
    }
    // A driver error may quote the connection string: never print its password.
    const message = (err as Error).message ?? String(err);
    out.error(`${kind} failed: ${config.DATABASE_URL ? message.split(config.DATABASE_URL).join(redactUrl(config.DATABASE_URL)) : message}`);
    return 1;
  }
}
