/**
 * The rate-limit store: two server processes (two stores) on the same database or the same
 * Redis count together, and a key over its limit is told when the next point frees up.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRedis } from '../redis';
import { twoProcesses } from '../test/redis';
import { engines, freshDb, type TestDb } from '../test/databases';
import { limiterStore, take, type LimiterStore } from './store';


async function sharedCounts(a: LimiterStore, b: LimiterStore) {
  const name = `t${randomBytes(4).toString('hex')}`;
  const rule = { points: 3, seconds: 60 };
  const results = [];
  for (const store of [a, b, a, b]) results.push(await take(store.limiter(name, rule), 'supplier-1'));
  expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
  expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
  const refused = results[3]!;
  expect(refused.ok || refused.retryAfterS).toBeGreaterThan(50);
  expect(refused.ok || refused.retryAfterS).toBeLessThanOrEqual(60);
  // Another key has its own allowance; the same name under another rule counts apart.
  expect((await take(b.limiter(name, rule), 'supplier-2')).ok).toBe(true);
  expect((await take(b.limiter(name, { points: 10, seconds: 60 }), 'supplier-1')).ok).toBe(true);
}

describe.each(engines)('rate-limit store on %s', (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(engine);
  });
  afterAll(() => t.drop());

  it('counts across two processes sharing the database', async () => {
    const a = limiterStore(t.db);
    expect(a.kind).toBe('database');
    await sharedCounts(a, limiterStore(t.db));
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM rate_limits'))[0]!.n).toBe(3);
  });
});

describe('rate-limit store on Redis', () => {
  const w = twoProcesses();

  it('counts across two processes with their own connections, and nothing goes to the database', async () => {
    const a = limiterStore(w.t.db, w.r1);
    expect(a.kind).toBe('redis');
    await sharedCounts(a, limiterStore(w.t.db, w.r2));
    expect((await w.t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM rate_limits'))[0]!.n).toBe(0);
  });

  it('names the host, not the password, when Redis cannot be reached', async () => {
    await expect(openRedis('redis://:secret@127.0.0.1:1')).rejects.toThrow(/127\.0\.0\.1:1(?!.*secret)/);
  });
});
