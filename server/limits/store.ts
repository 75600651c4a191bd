/**
 * Where rate-limit counters live: Redis when REDIS_URL is set, else the database (the
 * `rate_limits` table, migration 012, through the same `Db` on PostgreSQL and PGlite). Either
 * way every server process on the same store counts together. Limiters come from
 * rate-limiter-flexible; this file only chooses the store and gives each rule a key prefix.
 */
import { RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Db } from '../db/db';
import type { Redis } from '../redis';

export interface LimitRule {
  points: number;
  seconds: number;
}

export interface LimiterStore {
  readonly kind: 'redis' | 'database';
  /** The limiter for `rule` under `name`: the same name and rule count together in every process. */
  limiter(name: string, rule: LimitRule): RateLimiterAbstract;
}

export type Taken = { ok: true; remaining: number; resetS: number } | { ok: false; remaining: 0; resetS: number; retryAfterS: number };

/** rate-limiter-flexible's PostgreSQL store calls `query({ name, text, values })` and reads `.rows`. */
function pgShim(db: Db) {
  return { query: async (q: { text: string; values?: unknown[] }) => ({ rows: await db.query(q.text, q.values) }) };
}

export function limiterStore(db: Db, redis?: Redis): LimiterStore {
  const made = new Map<string, RateLimiterAbstract>();
  const client = redis ?? pgShim(db);
  return {
    kind: redis ? 'redis' : 'database',
    limiter(name, rule) {
      const keyPrefix = `${name}:${rule.points}/${rule.seconds}`;
      let limiter = made.get(keyPrefix);
      if (!limiter) {
        const opts = { keyPrefix, points: rule.points, duration: rule.seconds };
        limiter = redis
          ? new RateLimiterRedis({ ...opts, storeClient: redis, useRedisPackage: true })
          : new RateLimiterPostgres({ ...opts, storeClient: client, storeType: 'pool', tableName: 'rate_limits', tableCreated: true, clearExpiredByTimeout: false });
        made.set(keyPrefix, limiter);
      }
      return limiter;
    },
  };
}

/** Takes `points` from `key`; over the limit, says when the next point frees up. Store errors propagate. */
export async function take(limiter: RateLimiterAbstract, key: string, points = 1): Promise<Taken> {
  try {
    const res = await limiter.consume(key, points);
    return { ok: true, remaining: res.remainingPoints, resetS: Math.ceil(res.msBeforeNext / 1000) };
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    const resetS = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
    return { ok: false, remaining: 0, resetS, retryAfterS: resetS };
  }
}
