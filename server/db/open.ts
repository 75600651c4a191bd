import type { Db } from './db';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';

export interface DbConfig {
  databaseUrl?: string | undefined;
  dataDir: string;
  poolMax: number;
}

export async function openDb(config: DbConfig): Promise<Db> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl, config.poolMax);
  return openPglite(config.dataDir);
}
