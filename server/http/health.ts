/**
 * Probes. `/healthz`: the process is up. `/readyz`: it can serve — the database answers, every
 * migration is applied, and Redis (when REDIS_URL is set) answers a PING; otherwise 503
 * NOT_READY naming the part that fails.
 */
import type { Express } from 'express';
import { ErrorCode } from '../../shared/errors';
import type { Db } from '../db/db';
import { migrationsApplied } from '../db/migrate';
import type { Redis } from '../redis';
import { errorBody } from './errors';

/** A Redis that lost its connection queues commands instead of failing: give up after this. */
export const REDIS_PING_TIMEOUT_MS = 1000;

async function redisAnswers(redis: Redis): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), REDIS_PING_TIMEOUT_MS)));
  try {
    return await Promise.race([redis.ping().then((pong) => pong === 'PONG'), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function installHealth(app: Express, db: Db, redis?: Redis): void {
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', async (_req, res) => {
    const notReady = (message: string) => res.status(503).json(errorBody(ErrorCode.NOT_READY, message));
    let migrated: boolean;
    try {
      migrated = await migrationsApplied(db);
    } catch {
      return notReady('database is not reachable');
    }
    if (!migrated) return notReady('database migrations are not applied');
    if (redis && !(await redisAnswers(redis))) return notReady('redis is not reachable');
    res.json({ ok: true, database: db.kind, migrations: 'applied', ...(redis ? { redis: 'ok' } : {}) });
  });
}
