/**
 * Analytics over HTTP. `GET /api/viral/coefficient` answers DESIGN §8's shape from the
 * counters (any of the selectable windows); `GET /api/viral/k` answers the same published
 * windows (7, 30 or 90 days ending today), for the platform or one breakdown value; the owner
 * can run the drift check and the super-connector recompute on demand (both also run on a
 * schedule, jobs.ts).
 *
 * Why only those windows (DESIGN §6, small counts): the counters could serve any window, but
 * two windows a day apart differ by one day's invitations (one person's, on a quiet day), and
 * a 7-day window ending on a Sunday is a weekly cohort that the dashboard may hide as a
 * complement. Published figures are the ones the privacy rules were checked against: the
 * windows the snapshots carry, their weekly cohorts and the differences of the windows
 * (snapshots.ts `readTrend`).
 */
import express, { type Express } from 'express';
import { z } from 'zod';
import { kInterval } from '../../shared/analytics/intervals';
import { isSuppressed, protectOne, protectTotal } from '../../shared/analytics/privacy';
import { ErrorCode } from '../../shared/errors';
import { isAdmin } from '../../shared/roles';
import { DEFAULT_WINDOW_DAYS, kStatus, utcDay, viralCoefficient, windowChoices, windowEnding } from '../../shared/viral';
import { requireUser } from '../auth/routes';
import type { Db } from '../db/db';
import { HttpError, parse } from '../http/errors';
import { recomputeConnectors } from './connectors';
import { dimensions, invitedOf, readBreakdown, readWindow } from './kCounters';
import { checkDrift } from './kRebuild';
import { hiddenArms } from './experimentArms';
import type { MetricsPublisher } from './metricsPublisher';

const PublishedWindow = z.coerce
  .number()
  .int()
  .refine((d) => (windowChoices as readonly number[]).includes(d), `must be one of ${windowChoices.join(', ')} (days ending today)`)
  .default(DEFAULT_WINDOW_DAYS);

const CoefficientQuery = z.strictObject({ windowDays: PublishedWindow });

const KQuery = z.strictObject({
  windowDays: PublishedWindow,
  // Named so that a caller who sends it learns why it is refused (see the header).
  end: z.never({ error: 'K is published only for windows ending today: leave out end' }).optional(),
  dim: z.enum(dimensions).default('all'),
  val: z.string().max(40).default(''),
});

function requireOwner(req: express.Request) {
  const user = requireUser(req);
  if (!isAdmin(user.role)) throw new HttpError(ErrorCode.FORBIDDEN, 'only the platform owner may do this');
  return user;
}

export function installViral(app: Express, db: Db, metrics: MetricsPublisher): void {
  const router = express.Router();
  async function hidden(dim: (typeof dimensions)[number], val: string, inviters: number, w: ReturnType<typeof windowEnding>): Promise<boolean> {
    if (dim === 'all' || isSuppressed(inviters)) return isSuppressed(inviters);
    // An arm sits beside two published totals (its channel's and its variant's): see experimentArms.ts.
    if (dim === 'experiment') return (await hiddenArms(db, w)).has(val);
    const total = await readWindow(db, 'all', '', w);
    const rows = (await readBreakdown(db, dim, w)).map((r) => ({ ...r, people: r.inviters }));
    return protectOne(rows, { people: total.inviters }, (r) => r.val === val);
  }

  router.get('/coefficient', async (req, res) => {
    requireUser(req);
    const { windowDays } = parse(CoefficientQuery, req.query);
    const now = new Date();
    const c = await readWindow(db, 'all', '', windowEnding(utcDay(now), windowDays));
    const sent = invitedOf(c);
    const { k } = viralCoefficient({ invited: sent, accepted: c.accepted, inviters: c.inviters });
    // Privacy (DESIGN §6): the platform's own figures over fewer than 5 inviters are hidden too.
    // The documented shape is kept when shown; hidden, every figure is null and `suppressed: true`.
    const { suppressed, ...figures } = protectTotal(c.inviters, { k, inviters: c.inviters, sent, accepted: c.accepted, status: kStatus(k) });
    res.json({ ...figures, windowDays, computedAt: now.toISOString(), ...(suppressed ? { suppressed } : {}) });
  });

  router.get('/k', async (req, res) => {
    requireUser(req);
    const q = parse(KQuery, req.query);
    const w = windowEnding(utcDay(new Date()), q.windowDays);
    const c = await readWindow(db, q.dim, q.dim === 'all' ? '' : q.val, w);
    const invited = invitedOf(c);
    const parts = viralCoefficient({ invited, accepted: c.accepted, inviters: c.inviters });
    // Privacy (DESIGN §6): a slice over fewer than 5 inviters gives no figures, nor does its
    // complement (the slice whose figures, taken from the platform's, would give it away).
    if (await hidden(q.dim, q.val, c.inviters, w)) {
      res.json({ ...w, dim: q.dim, val: q.val, suppressed: true });
      return;
    }
    res.json({ ...w, dim: q.dim, val: q.val, suppressed: false, inviters: c.inviters, invited, accepted: c.accepted, ...parts, interval: kInterval(c.accepted, c.inviters), status: kStatus(parts.k) });
  });

  router.get('/drift', async (req, res) => {
    requireOwner(req);
    res.json(await checkDrift(db));
  });

  router.post('/connectors/recompute', async (req, res) => {
    requireOwner(req);
    const { scored, changed, events } = await db.transaction((tx) => recomputeConnectors(tx, new Date()));
    metrics.markDirty({ userIds: events.map((e) => e.inviterId!).filter(Boolean) });
    res.json({ scored, changed });
  });
  app.use('/api/viral', router);
}
