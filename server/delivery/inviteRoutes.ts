/**
 * The couple's side of an invitation (shared/invites.ts):
 *   GET  /api/invites/:code          who invited them (counts as an open)
 *   POST /api/invites/:code/accept   signed in: accept
 *   POST /api/invites/:code/signup   new person: make a couple account, sign in, accept
 *   POST /api/join/check             short code → the inviter's name (rate-limited)
 *   POST /api/join/signup            short code + new account (rate-limited)
 */
import express, { type Express, type Request, type Response } from 'express';
import { parseShortCode } from '../../shared/codes';
import { ErrorCode } from '../../shared/errors';
import { InviteCode, ShortCodeRequest, ShortCodeSignupRequest, SignupRequest, type AcceptResult, type ShortCodeInfo } from '../../shared/invites';
import { hashPassword } from '../auth/passwords';
import { endSession, requireUser, setSessionCookie } from '../auth/routes';
import { createSession } from '../auth/sessions';
import type { Db } from '../db/db';
import { HttpError, parse } from '../http/errors';
import type { Applied } from './callbacks';
import { markOpened } from './callbacks';
import { accept, closedReason, createCouple, expiresAt, findInvite, notFound, openInvite, toInfo, type CodeKind } from './invites';
import type { GuessLimiter } from './limiter';
import { networkOf } from '../fraud/facts';

export interface InviteDeps {
  db: Db;
  inviteDays: number;
  shortDays: number;
  sessionDays: number;
  secureCookies: 'auto' | 'true' | 'false';
  publicUrl?: string;
  /** A session the browser came with ended (the new account replaces it): its sockets close. */
  sessionEnded?(token: string): void;
  limiter: GuessLimiter;
  publish(applied: Applied): void;
}

export function installInviteRoutes(app: Express, deps: InviteDeps): void {
  const router = express.Router();
  const days = (kind: CodeKind) => (kind === 'invite' ? deps.inviteDays : deps.shortDays);

  /** Spends a guess on a typed code; the body was parsed first, so a malformed request costs none. */
  const guess = async (req: Request, typed: string): Promise<string> => {
    const verdict = await deps.limiter.take(req.ip ?? 'unknown');
    if (!verdict.ok) {
      throw new HttpError(ErrorCode.RATE_LIMITED, `Too many tries with codes: try again in ${verdict.retryAfterS} s.`, undefined, { 'Retry-After': String(verdict.retryAfterS) });
    }
    const code = parseShortCode(typed);
    if (!code) throw notFound('short');
    return code;
  };

  /** Signs up a new couple and accepts in one transaction; signs them in. */
  const signup = async (req: Request, res: Response, kind: CodeKind, code: string, body: SignupRequest) => {
    const passwordHash = await hashPassword(body.password);
    const out = await deps.db.transaction(async (tx) => {
      const row = await openInvite(tx, kind, code, days(kind));
      const user = await createCouple(tx, body, passwordHash);
      const applied = await accept(tx, row, user, kind === 'invite' ? 'invite_link' : 'short_code', { network: networkOf(req.ip) });
      const token = await createSession(tx, user.id, deps.sessionDays);
      return { applied, token, result: { invitationId: row.id, inviterName: row.inviter_name, userId: user.id } satisfies AcceptResult };
    });
    deps.publish(out.applied);
    await endSession(req, deps);
    setSessionCookie(req, res, out.token, deps);
    res.status(201).json(out.result);
  };

  router.get('/invites/:code', async (req, res) => {
    const code = parse(InviteCode, req.params.code);
    const row = await findInvite(deps.db, 'invite', code);
    if (!row) throw notFound('invite');
    // The inviter previewing their own link is not an open.
    if (!closedReason(row, deps.inviteDays) && req.user?.id !== row.inviter_id) deps.publish(await markOpened(deps.db, code));
    res.json(toInfo(row, deps.inviteDays));
  });

  router.post('/invites/:code/accept', async (req, res) => {
    const user = requireUser(req);
    const code = parse(InviteCode, req.params.code);
    const out = await deps.db.transaction(async (tx) => {
      const row = await openInvite(tx, 'invite', code, deps.inviteDays);
      return { row, applied: await accept(tx, row, user, 'invite_link', { network: networkOf(req.ip) }) };
    });
    deps.publish(out.applied);
    res.json({ invitationId: out.row.id, inviterName: out.row.inviter_name, userId: user.id } satisfies AcceptResult);
  });

  router.post('/invites/:code/signup', async (req, res) => {
    const code = parse(InviteCode, req.params.code);
    await signup(req, res, 'invite', code, parse(SignupRequest, req.body));
  });

  router.post('/join/check', async (req, res) => {
    const code = await guess(req, parse(ShortCodeRequest, req.body).shortCode);
    const row = await findInvite(deps.db, 'short', code);
    if (!row) throw notFound('short');
    const closed = closedReason(row, deps.shortDays);
    if (closed) throw new HttpError(closed.code, closed.message);
    res.json({ inviterName: row.inviter_name, expiresAt: expiresAt(row, deps.shortDays).toISOString() } satisfies ShortCodeInfo);
  });

  router.post('/join/signup', async (req, res) => {
    const { shortCode, ...body } = parse(ShortCodeSignupRequest, req.body);
    const code = await guess(req, shortCode);
    await signup(req, res, 'short', code, body);
  });

  app.use('/api', router);
}
