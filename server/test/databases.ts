/**
 * Test databases. Every test file gets a database of its own: on the PostgreSQL at
 * DATABASE_URL (a fresh `plusone_t_*` database, dropped afterwards) when it is set, and on
 * in-memory PGlite otherwise. Storage contract suites run on both engines when both exist.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../db/db';
import { migrate } from '../db/migrate';
import { openPglite } from '../db/pglite';
import { openPostgres } from '../db/postgres';

export type Engine = 'postgres' | 'pglite';

export interface TestDb {
  db: Db;
  engine: Engine;
  url?: string;
  drop(): Promise<void>;
}

export const hasPostgres = !!process.env.DATABASE_URL;

/** Engines to run storage contract tests on. */
export const engines: Engine[] = hasPostgres ? ['postgres', 'pglite'] : ['pglite'];

/** The engine app-level integration tests use. */
export const defaultEngine: Engine = hasPostgres ? 'postgres' : 'pglite';

export async function freshDb(engine: Engine = defaultEngine, { migrated = true } = {}): Promise<TestDb> {
  let result: TestDb;
  if (engine === 'pglite') {
    const db = await openPglite('memory://');
    result = { db, engine, drop: () => db.close() };
  } else {
    const admin = new URL(process.env.DATABASE_URL!);
    const name = `plusone_t_${randomBytes(6).toString('hex')}`;
    const adminClient = new pg.Client({ connectionString: admin.toString() });
    await adminClient.connect();
    await adminClient.query(`CREATE DATABASE ${name}`);
    await adminClient.end();
    const url = new URL(admin.toString());
    url.pathname = `/${name}`;
    const db = openPostgres(url.toString(), 10);
    result = {
      db,
      engine,
      url: url.toString(),
      async drop() {
        await db.close();
        const c = new pg.Client({ connectionString: admin.toString() });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  if (migrated) {
    try {
      await migrate(result.db);
    } catch (err) {
      await result.drop();
      throw err;
    }
  }
  return result;
}
