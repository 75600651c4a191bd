import type { Express } from 'express';
import { ErrorCode } from '../../shared/errors';
import type { Db } from '../db/db';
import { migrationsApplied } from '../db/migrate';
import { errorBody } from './errors';

export function installHealth(app: Express, db: Db): void {
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      const migrated = await migrationsApplied(db);
      if (!migrated) {
        res.status(503).json(errorBody(ErrorCode.NOT_READY, 'database migrations are not applied'));
        return;
      }
      res.json({ ok: true, database: db.kind, migrations: 'applied' });
    } catch {
      res.status(503).json(errorBody(ErrorCode.NOT_READY, 'database is not reachable'));
    }
  });
}
