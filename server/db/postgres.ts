import pg from 'pg';
import type { Db, Queryable } from './db';
import { INT8_OID } from './db';
import { preparedName } from './prepared';

function parseInt8(value: string): number {
  return Number(value);
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return parseInt8;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export function openPostgres(connectionString: string, poolMax: number): Db {
  const pool = new pg.Pool({ connectionString, max: poolMax, types });
  pool.on('error', () => {
    /* an idle client lost its connection; the pool replaces it */
  });
  const run = async <Row>(client: pg.Pool | pg.PoolClient, sql: string, params?: unknown[]) =>
    (await client.query({ text: sql, values: params as unknown[] | undefined, name: preparedName(sql) })).rows as Row[];
  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    exec: async (sql) => void (await pool.query(sql)),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx: Queryable = {
          query: (sql, params) => run(client, sql, params),
          exec: async (sql) => void (await client.query(sql)),
        };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
