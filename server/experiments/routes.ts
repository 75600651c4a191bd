/**
 * Template experiments over HTTP. The owner's routes (anyone else: 403 FORBIDDEN; no session:
 * 401 UNAUTHENTICATED):
 *
 *   GET  /api/experiments                               every experiment (variants, templates) and its results
 *   GET  /api/experiments/:channel                      one, with its results
 *   POST /api/experiments/:channel/variants/:name  { subject, body, weight? }
 *        saves a variant's template (a new name adds a variant); a template with problems is
 *        refused with 400 INVALID_INPUT, the problems in plain words in `details.problems`
 *   POST /api/experiments/:channel/settings  { mode?, threshold?, status?: 'running' }
 *   POST /api/experiments/:channel/promote  { variant }  the variant becomes everyone's template
 *        (an `experiment.promoted` event)
 *
 * And for any signed-in user: GET /api/experiments/assignment → the variant the server assigns
 * them per channel (what their device assigns offline from the `experiments` snapshot and its
 * latest local invitation: a returning inviter keeps their variant).
 *
 * It also publishes two snapshots of kind `experiments`: `experiments` (the config, for every
 * signed-in user) and `experiments:results` (with results, for the owner); computing the
 * results records a new winner. Thompson mode reweights on a schedule (bandit.ts).
 */
import express, { type Express, type Request } from 'express';
import { z } from 'zod';
import { EXPERIMENT_RESULTS_ID, VariantName, type ExperimentResults } from '../../shared/experiments/config';
import { snapshotIds } from '../../shared/analytics/snapshots';
import { ErrorCode } from '../../shared/errors';
import { Channel } from '../../shared/invitation';
import { isAdmin, type SessionUser } from '../../shared/roles';
import { requireUser } from '../auth/routes';
import type { Db } from '../db/db';
import { HttpError, parse } from '../http/errors';
import type { Logger } from '../log';
import type { MetricsPublisher } from '../viral/metricsPublisher';
import { BANDIT_EVERY_MS, startBandit } from './bandit';
import { readResults, recordWinner } from './results';
import {
  assignmentsFor, ensureDefaultExperiments, getExperiment, listExperiments, promoteVariant, readConfigs, saveSettings, saveVariant,
  SettingsInput, toConfig, VariantInput, type ExperimentView,
} from './store';

export interface ExperimentsDeps {
  db: Db;
  metrics: MetricsPublisher;
  log: Logger;
  banditEveryMs?: number;
}

function requireOwner(req: Request): SessionUser {
  const user = requireUser(req);
  if (!isAdmin(user.role)) throw new HttpError(ErrorCode.FORBIDDEN, 'only the platform owner may see or change experiments');
  return user;
}

function channelOf(req: Request): Channel {
  const parsed = Channel.safeParse(req.params.channel);
  if (!parsed.success) throw new HttpError(ErrorCode.NOT_FOUND, `there is no experiment for ${req.params.channel}`);
  return parsed.data;
}

/** Results of each experiment, recording any new winner (its event goes live). */
async function resultsOf(deps: ExperimentsDeps, experiments: ExperimentView[], now: Date): Promise<ExperimentResults[]> {
  const out: ExperimentResults[] = [];
  for (const e of experiments) {
    const results = await readResults(deps.db, e, now);
    const event = await recordWinner(deps.db, e, results, now);
    if (event) {
      deps.metrics.onEvents([event]);
      deps.log.info({ channel: e.channel, variant: results.leader }, 'experiment winner');
      out.push({ ...results, winner: results.leader, winnerAt: now.toISOString() });
    } else out.push(results);
  }
  return out;
}

/** Installs the routes, the snapshots and the bandit schedule; returns a stop for the schedule. */
export function installExperiments(app: Express, deps: ExperimentsDeps): () => void {
  const { db, metrics } = deps;
  let seeded: Promise<void> | null = null;
  const ready = () => (seeded ??= ensureDefaultExperiments(db).catch((err) => ((seeded = null), Promise.reject(err))));
  const changed = () => metrics.markDirty();
  const router = express.Router();

  router.get('/', async (req, res) => {
    requireOwner(req);
    await ready();
    const experiments = await listExperiments(db);
    res.json({ experiments, results: await resultsOf(deps, experiments, new Date()) });
  });

  router.get('/assignment', async (req, res) => {
    const user = requireUser(req);
    await ready();
    res.json({ assignments: await assignmentsFor(db, user.id) });
  });

  router.get('/:channel', async (req, res) => {
    requireOwner(req);
    await ready();
    const experiment = await getExperiment(db, channelOf(req));
    const [results] = await resultsOf(deps, [experiment], new Date());
    res.json({ experiment: await getExperiment(db, experiment.channel), results });
  });

  router.post('/:channel/variants/:name', async (req, res) => {
    requireOwner(req);
    await ready();
    const experiment = await saveVariant(db, channelOf(req), req.params.name as string, parse(VariantInput, req.body));
    changed();
    res.json({ experiment });
  });

  router.post('/:channel/settings', async (req, res) => {
    requireOwner(req);
    await ready();
    const experiment = await saveSettings(db, channelOf(req), parse(SettingsInput, req.body));
    changed();
    res.json({ experiment });
  });

  router.post('/:channel/promote', async (req, res) => {
    const user = requireOwner(req);
    await ready();
    const { variant } = parse(z.strictObject({ variant: VariantName }), req.body);
    const { experiment, event } = await promoteVariant(db, channelOf(req), variant, user.id, new Date());
    metrics.onEvents([event]);
    changed();
    res.json({ experiment, event });
  });

  app.use('/api/experiments', router);

  metrics.addSource(async (source) => {
    await ready();
    return { id: snapshotIds.experiments, kind: 'experiments', audience: 'all', data: { experiments: await readConfigs(source) } };
  });
  metrics.addSource(async (_source, now) => {
    await ready();
    const experiments = await listExperiments(db);
    const results = await resultsOf(deps, experiments, now);
    return { id: EXPERIMENT_RESULTS_ID, kind: 'experiments', data: { experiments: experiments.map(toConfig), results } };
  });
  return startBandit(db, deps.banditEveryMs ?? BANDIT_EVERY_MS, changed, deps.log);
}
