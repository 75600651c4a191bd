import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Db } from './db';
import { INT8_OID } from './db';

/** Embedded PostgreSQL (WASM) in `dataDir`, or in memory when `dataDir` is 'memory://'. */
export async function openPglite(dataDir: string): Promise<Db> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create({
    dataDir,
    parsers: { [INT8_OID]: (value: string) => Number(value) },
  });
  return {
    kind: 'pglite',
    query: async (sql, params) => (await pg.query(sql, params)).rows as never[],
    exec: async (sql) => void (await pg.exec(sql)),
    transaction: (fn) =>
      pg.transaction((tx) =>
        fn({
          query: async (sql, params) => (await tx.query(sql, params)).rows as never[],
          exec: async (sql) => void (await tx.exec(sql)),
        }),
      ),
    close: () => pg.close(),
  };
}
