import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { ErrorCode } from '../../shared/errors';
import { LoginRequest, type Role, type SessionUser } from '../../shared/roles';
import type { Db } from '../db/db';
import { HttpError, parse } from '../http/errors';
import { verifyPassword } from './passwords';
import type { SignInThrottle } from './throttle';
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
  /** PUBLIC_URL: an https one makes cookies Secure under `auto`. */
  publicUrl?: string;
  throttle: SignInThrottle;
  /** A session ended (sign-out, or replaced at sign-in): its live sockets are closed. */
  sessionEnded?(token: string): void;
}

type CookieDeps = Pick<AuthDeps, 'sessionDays' | 'secureCookies' | 'publicUrl'>;

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

const LOCAL = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * `auto`: Secure whenever anything says the browser is on HTTPS: the connection (or a trusted
 * proxy), an X-Forwarded-Proto of https even from an untrusted proxy (a client forging it only
 * hardens its own cookie), or an https PUBLIC_URL outside localhost. Plain http on localhost
 * (development, the tests) gets no Secure flag, or the browser would drop the cookie.
 */
export function isSecure(req: Request, deps: Pick<AuthDeps, 'secureCookies' | 'publicUrl'>): boolean {
  if (deps.secureCookies !== 'auto') return deps.secureCookies === 'true';
  if (req.secure || /^https\b/i.test(req.get('x-forwarded-proto') ?? '')) return true;
  return !LOCAL.has(req.hostname) && !!deps.publicUrl?.startsWith('https:');
}

/**
 * Hands the browser a new session (sign-in, and sign-up from an invitation). SameSite=Lax, not
 * Strict: the invite link is opened from a mail or a chat (another site), and a signed-in couple
 * must arrive signed in to accept with one tap; Lax still keeps the cookie off cross-site POSTs.
 */
export function setSessionCookie(req: Request, res: Response, token: string, deps: CookieDeps): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: isSecure(req, deps),
    maxAge: deps.sessionDays * 24 * 3600 * 1000,
    path: '/',
  });
}

/** Ends the session the request's cookie names, if any: deleted, and its sockets closed. */
export async function endSession(req: Request, deps: Pick<AuthDeps, 'db' | 'sessionEnded'>): Promise<void> {
  const token = tokenFromCookieHeader(req.headers.cookie);
  if (!token) return;
  await deleteSession(deps.db, token);
  deps.sessionEnded?.(token);
}

// A real hash of a random password, so an unknown email costs the same time as a known one.
const DUMMY_HASH =
  'scrypt$16384$8$1$osqJmjP9o5RcXbdDvMiI0w$O9w_m9eEWK2kLadU8y7odj2HV9eA0JpHwdDABl2vIrI';

export function installAuth(app: Express, deps: AuthDeps): void {
  const router = express.Router();

  router.post('/login', async (req, res) => {
    const body = parse(LoginRequest, req.body);
    const address = req.ip ?? 'unknown';
    await deps.throttle.attempt(body.email, address);
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
    await deps.throttle.succeeded(body.email, address);
    // Rotation: a new token every sign-in; the session the browser came with (if any) ends.
    await endSession(req, deps);
    const token = await createSession(deps.db, row.id, deps.sessionDays);
    setSessionCookie(req, res, token, deps);
    res.json({ user: toSessionUser(row) });
  });

  router.post('/logout', async (req, res) => {
    await endSession(req, deps);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.json({ ok: true });
  });

  router.get('/me', (req, res) => {
    res.json({ user: requireUser(req) });
  });

  app.use('/api/auth', router);
}
