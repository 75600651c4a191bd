/**
 * The slow query log (SLOW_QUERY_MS), on both engines: a statement at least as slow as the
 * threshold is reported with its SQL text and duration, in or out of a transaction, and never
 * with its parameters; faster ones are not; 0 turns the log off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDb, type TestDb } from '../test/databases';
import { openDb } from './open';
import { queryText, withSlowQueryLog, type SlowQuery } from './slowQueries';

describe.each(engines)('slow query log on %s', (engine) => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await freshDb(engine, { migrated: false });
  });
  afterAll(() => testDb?.drop());

  it('reports a statement slower than the threshold with its text and duration, never its parameters', async () => {
    const seen: SlowQuery[] = [];
    const db = withSlowQueryLog(testDb.db, 50, (q) => seen.push(q));

    const rows = await db.query<{ email: string }>(`SELECT $1::text AS email,\n       pg_sleep(0.05) AS slept`, ['secret.person@example.com']);

    expect(rows[0]!.email).toBe('secret.person@example.com');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ sql: 'SELECT $1::text AS email, pg_sleep(0.05) AS slept', inTransaction: false });
    expect(seen[0]!.ms).toBeGreaterThanOrEqual(50);
    expect(JSON.stringify(seen)).not.toContain('secret.person');
  });

  it('times statements inside a transaction too, and leaves quick ones out', async () => {
    const seen: SlowQuery[] = [];
    const slow = withSlowQueryLog(testDb.db, 50, (q) => seen.push(q));
    const quiet = withSlowQueryLog(testDb.db, 60_000, (q) => seen.push(q));

    const answer = await slow.transaction(async (tx) => {
      await tx.exec('SELECT pg_sleep(0.05)');
      return tx.query<{ n: number }>('SELECT 1 + 1 AS n');
    });
    await quiet.query('SELECT pg_sleep(0.05)');

    expect(answer[0]!.n).toBe(2);
    expect(seen.map((q) => [q.sql, q.inTransaction])).toEqual([['SELECT pg_sleep(0.05)', true]]);
  });

  it('reports a failing slow statement before its error reaches the caller', async () => {
    const seen: SlowQuery[] = [];
    const db = withSlowQueryLog(testDb.db, 50, (q) => seen.push(q));
    const failing = `DO $$ BEGIN PERFORM pg_sleep(0.05); RAISE EXCEPTION 'too late'; END $$`;
    await expect(db.exec(failing)).rejects.toThrow(/too late/);
    expect(seen.map((q) => q.sql)).toEqual([failing]);
  });
});

describe('slow query log settings', () => {
  it('a threshold of 0 is no log at all: the database is used as it is', async () => {
    const { db, drop } = await freshDb('pglite', { migrated: false });
    try {
      expect(withSlowQueryLog(db, 0, () => {})).toBe(db);
    } finally {
      await drop();
    }
  });

  it('openDb wraps the database it opens when asked', async () => {
    const seen: SlowQuery[] = [];
    const db = await openDb({ dataDir: 'memory://', poolMax: 1, slowQueryMs: 50, onSlowQuery: (q) => seen.push(q) });
    try {
      await db.query('SELECT pg_sleep(0.05)');
      expect(seen.map((q) => q.sql)).toEqual(['SELECT pg_sleep(0.05)']);
    } finally {
      await db.close();
    }
  });

  it('long statements are cut at 1,000 characters, whitespace folded', () => {
    expect(queryText(`SELECT\n\t${'x, '.repeat(600)}1`)).toHaveLength(1000);
    expect(queryText('  SELECT  1\n FROM  t ')).toBe('SELECT 1 FROM t');
  });
});
