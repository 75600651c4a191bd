import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { ErrorCode } from '../../shared/errors';
import { LoginRequest, type Role, type SessionUser } from '../../shared/roles';
import type { Db } from '../db/db';
import { HttpError, parse } from '../http/errors';
import { verifyPassword } from './passwords';
import {
  SESSION_COOKIE,
  createSession,
  deleteSession,
  toSessionUser,
  tokenFromCookieHeader,
  userForToken,
} from './sessions';

declare module 'express-serve-static-core' {
  interface Request {
    user?: SessionUser;
  }
}

export interface AuthDeps {
  db: Db;
  sessionDays: number;
  secureCookies: 'auto' | 'true' | 'false';
}

/** Loads the session's user (if any) onto `req.user`. */
export function sessionMiddleware(db: Db) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const user = await userForToken(db, tokenFromCookieHeader(req.headers.cookie));
    if (user) req.user = user;
    next();
  };
}

export function requireUser(req: Request): SessionUser {
  if (!req.user) throw new HttpError(ErrorCode.UNAUTHENTICATED);
  return req.user;
}

export function requireRole(req: Request, allowed: readonly Role[]): SessionUser {
  const user = requireUser(req);
  if (!allowed.includes(user.role)) throw new HttpError(ErrorCode.FORBIDDEN);
  return user;
}

function isSecure(req: Request, setting: AuthDeps['secureCookies']): boolean {
  if (setting !== 'auto') return setting === 'true';
  return req.secure && req.hostname !== 'localhost' && req.hostname !== '127.0.0.1';
}

/** Hands the browser a new session (sign-in, and sign-up from an invitation). */
export function setSessionCookie(req: Request, res: Response, token: string, deps: Pick<AuthDeps, 'sessionDays' | 'secureCookies'>): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: isSecure(req, deps.secureCookies),
    maxAge: deps.sessionDays * 24 * 3600 * 1000,
    path: '/',
  });
}

// A real hash of a random password, so an unknown email costs the same time as a known one.
const DUMMY_HASH =
  'scrypt$16384$8$1$osqJmjP9o5RcXbdDvMiI0w$O9w_m9eEWK2kLadU8y7odj2HV9eA0JpHwdDABl2vIrI';

export function installAuth(app: Express, deps: AuthDeps): void {
  const router = express.Router();

  router.post('/login', async (req, res) => {
    const body = parse(LoginRequest, req.body);
    const rows = await deps.db.query<{
      id: string;
      email: string;
      name: string;
      role: Role;
      org_id: string | null;
      org_name: string | null;
      password_hash: string | null;
    }>(
      `SELECT u.id, u.email, u.name, u.role, u.org_id, o.name AS org_name, u.password_hash
         FROM users u LEFT JOIN organisations o ON o.id = u.org_id WHERE u.email = $1`,
      [body.email],
    );
    const row = rows[0];
    const ok = await verifyPassword(body.password, row?.password_hash ?? DUMMY_HASH);
    if (!row || !row.password_hash || !ok) throw new HttpError(ErrorCode.BAD_CREDENTIALS);
    const old = tokenFromCookieHeader(req.headers.cookie);
    if (old) await deleteSession(deps.db, old);
    const token = await createSession(deps.db, row.id, deps.sessionDays);
    setSessionCookie(req, res, token, deps);
    res.json({ user: toSessionUser(row) });
  });

  router.post('/logout', async (req, res) => {
    const token = tokenFromCookieHeader(req.headers.cookie);
    if (token) await deleteSession(deps.db, token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.json({ ok: true });
  });

  router.get('/me', (req, res) => {
    res.json({ user: requireUser(req) });
  });

  app.use('/api/auth', router);
}
