import type { Db } from './db';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';
import { withSlowQueryLog, type SlowQuery } from './slowQueries';

export interface DbConfig {
  databaseUrl?: string | undefined;
  dataDir: string;
  poolMax: number;
  /** Statements at least this slow go to `onSlowQuery` (text and duration, never parameters); 0 or unset: off. */
  slowQueryMs?: number;
  onSlowQuery?: (q: SlowQuery) => void;
}

export async function openDb(config: DbConfig): Promise<Db> {
  const db = config.databaseUrl ? openPostgres(config.databaseUrl, config.poolMax) : await openPglite(config.dataDir);
  return config.onSlowQuery ? withSlowQueryLog(db, config.slowQueryMs ?? 0, config.onSlowQuery) : db;
}
