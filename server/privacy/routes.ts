/**
 * Privacy over HTTP:
 *   GET  /api/account/export           the signed-in person's data, as a JSON file to download
 *   POST /api/account/erase {password} erases their account (the password again: 403
 *                                      WRONG_PASSWORD; the last owner: 409 LAST_OWNER)
 *   GET  /api/privacy/runs             the privacy log, newest first (owner)
 *   POST /api/privacy/runs             runs the anonymisation now and answers its log entry (owner)
 * Installing also schedules the daily anonymisation; the returned function stops it.
 */
import express, { type Express, type Request } from 'express';
import { z } from 'zod';
import { rooms } from '../../shared/sync/socket';
import { ErrorCode } from '../../shared/errors';
import { isAdmin } from '../../shared/roles';
import { requireUser } from '../auth/routes';
import { verifyPassword } from '../auth/passwords';
import { SESSION_COOKIE } from '../auth/sessions';
import type { Db } from '../db/db';
import { HttpError, parse } from '../http/errors';
import type { Live } from '../live/socket';
import type { Logger } from '../log';
import type { MetricsPublisher } from '../viral/metricsPublisher';
import { exportAccount } from './account';
import { runAnonymisation, startPrivacyJobs } from './anonymise';
import { eraseAccount } from './erase';
import { readPrivacyLog } from './privacyLog';

export interface PrivacyDeps {
  db: Db;
  metrics: MetricsPublisher;
  live: Live;
  log: Logger;
}

const EraseRequest = z.strictObject({ password: z.string().min(1).max(200) });

function requireOwner(req: Request) {
  const user = requireUser(req);
  if (!isAdmin(user.role)) throw new HttpError(ErrorCode.FORBIDDEN, 'only the platform owner may see or run the privacy jobs');
  return user;
}

export function installPrivacy(app: Express, { db, metrics, live, log }: PrivacyDeps): () => void {
  const account = express.Router();
  account.get('/export', async (req, res) => {
    const user = requireUser(req);
    const now = new Date();
    const data = await exportAccount(db, user.id, now);
    if (!data) throw new HttpError(ErrorCode.NOT_FOUND, 'there is no such account');
    res
      .attachment(`plusone-my-data-${now.toISOString().slice(0, 10)}.json`)
      .set({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
      .send(JSON.stringify(data, null, 2));
  });

  account.post('/erase', async (req, res) => {
    const user = requireUser(req);
    const { password } = parse(EraseRequest, req.body);
    const [row] = await db.query<{ password_hash: string | null }>('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    if (!row?.password_hash || !(await verifyPassword(password, row.password_hash))) throw new HttpError(ErrorCode.WRONG_PASSWORD);
    const { log: entry, affectedUserIds } = await eraseAccount(db, user.id, new Date());
    log.info({ privacy: entry }, 'account erased');
    metrics.markDirty({ userIds: affectedUserIds });
    // Their open sockets were signed in as them: close them (the session is gone).
    live.io.in(rooms.user(user.id)).disconnectSockets(true);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.json({ erased: true, at: entry.startedAt });
  });
  app.use('/api/account', account);

  const privacy = express.Router();
  privacy.get('/runs', async (req, res) => {
    requireOwner(req);
    res.json({ runs: await readPrivacyLog(db) });
  });
  privacy.post('/runs', async (req, res) => {
    requireOwner(req);
    const entry = await runAnonymisation(db, new Date(), { trigger: 'owner' });
    if (entry.rows.invitations || entry.rows.invitations_partly) metrics.markDirty();
    res.json({ run: entry });
  });
  app.use('/api/privacy', privacy);

  return startPrivacyJobs(db, log, (entry) => {
    if (entry.rows.invitations || entry.rows.invitations_partly) metrics.markDirty();
  });
}
