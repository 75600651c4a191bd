import express, { type Express } from 'express';
import { z } from 'zod';
import { DEFAULT_WINDOW_DAYS, windowChoices } from '../../shared/viral';
import { requireUser } from '../auth/routes';
import type { Db } from '../db/db';
import { parse } from '../http/errors';
import { readKCounts, toCoefficientSnapshot, toPlatformMetrics } from './coefficient';

const CoefficientQuery = z.strictObject({
  windowDays: z.coerce
    .number()
    .int()
    .refine((d) => (windowChoices as readonly number[]).includes(d), `must be one of ${windowChoices.join(', ')}`)
    .default(DEFAULT_WINDOW_DAYS),
});

export function installViral(app: Express, db: Db): void {
  const router = express.Router();
  router.get('/coefficient', async (req, res) => {
    requireUser(req);
    const { windowDays } = parse(CoefficientQuery, req.query);
    const metrics = toPlatformMetrics(windowDays, await readKCounts(db, windowDays), new Date());
    res.json(toCoefficientSnapshot(metrics));
  });
  app.use('/api/viral', router);
}
