/**
 * The owner's fraud routes (anyone else: 403 FORBIDDEN; no session: 401 UNAUTHENTICATED):
 *
 *   GET  /api/fraud/queue           the pending review items, oldest first, with their reasons
 *   POST /api/fraud/:id/clear       legitimate: counts again, reward released
 *   POST /api/fraud/:id/confirm     fraud: excluded (acceptance) or cancelled (open invitation), reward clawed back
 *
 * `installFraud` also builds the gate on new invitations (gate.ts) for app.ts to put first in
 * the sync gates, and runs the reward qualification every REWARD_EVERY_MS.
 */
import express, { type Express, type Request } from 'express';
import { z } from 'zod';
import { ErrorCode } from '../../shared/errors';
import { ReviewDecision, type QueueResponse } from '../../shared/fraud/queue';
import { isAdmin, type SessionUser } from '../../shared/roles';
import { requireUser } from '../auth/routes';
import type { Db } from '../db/db';
import { HttpError, parse } from '../http/errors';
import type { Live } from '../live/socket';
import type { Logger } from '../log';
import type { CreateGate } from '../sync/gates';
import type { MetricsPublisher } from '../viral/metricsPublisher';
import { fraudGate } from './gate';
import { loadModel } from './modelFile';
import { decide, readQueue } from './review';
import { qualifyRewards } from './rewards';

export const REWARD_EVERY_MS = 60_000;

export interface FraudDeps {
  db: Db;
  live: Live;
  metrics: MetricsPublisher;
  log: Logger;
}

const ItemParams = z.object({ id: z.uuid(), decision: ReviewDecision });

function requireOwner(req: Request): SessionUser {
  const user = requireUser(req);
  if (!isAdmin(user.role)) throw new HttpError(ErrorCode.FORBIDDEN, 'only the platform owner may review fraud');
  return user;
}

export function installFraud(app: Express, deps: FraudDeps): { gate: CreateGate; stop(): void } {
  const loaded = loadModel();
  if (loaded.model) deps.log.info({ version: loaded.model.version }, 'fraud model loaded');
  else deps.log.warn({ problem: loaded.problem }, 'fraud model not loaded: the rules alone judge invitations');
  const gate = fraudGate({ model: () => loaded.model });

  const router = express.Router();
  router.get('/queue', async (req, res) => {
    requireOwner(req);
    res.json((await readQueue(deps.db)) satisfies QueueResponse);
  });
  router.post('/:id/:decision', async (req, res) => {
    const owner = requireOwner(req);
    const { id, decision } = parse(ItemParams, req.params);
    const out = await deps.db.transaction((tx) => decide(tx, id, decision, owner.id, new Date()));
    if (out.changed.length > 0) deps.live.invitationsChanged(out.changed);
    deps.metrics.markDirty({ userIds: out.userIds });
    res.json(out.item);
  });
  app.use('/api/fraud', router);

  const timer = setInterval(() => {
    qualifyRewards(deps.db, new Date()).catch((err) => deps.log.warn({ err }, 'reward qualification failed'));
  }, REWARD_EVERY_MS);
  timer.unref();
  return { gate, stop: () => clearInterval(timer) };
}
