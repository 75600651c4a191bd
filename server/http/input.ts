/**
 * Strict input at the API's edge. A route that takes a query or a body parses it with its strict
 * schema (from shared/, or beside the route); every other API request must carry none. A query
 * key, or a body other than an empty JSON object, sent to a route that takes none is refused
 * with 400 INVALID_INPUT before the route runs, so nothing is done on its behalf (a sign-out or
 * an owner's "run now" with a stray body is a mistake or a probe, not a request to honour).
 *
 * Text anywhere in a request (path, query, body) may not hold U+0000: PostgreSQL's text cannot
 * store it, so a route would fail on it with a 500 after having done part of its work.
 *
 * The routes that take input are listed here, as `METHOD /path` in shared/access.ts's form;
 * a new route that takes a query or a body is added to its list (its own tests fail until it
 * is). server/fuzz checks each entry against the access table.
 */
import type { Request, RequestHandler } from 'express';
import { ErrorCode } from '../../shared/errors';
import { HttpError } from './errors';

export const apiInput = {
  query: [
    'GET /api/viral/coefficient',
    'GET /api/viral/k',
    'GET /api/segments/:id/export',
    'GET /api/webhooks/endpoints/:id/attempts',
    'GET /api/export/:dataset',
  ],
  body: [
    'POST /api/auth/login',
    'POST /api/sync/:collection/pull',
    'POST /api/sync/:collection/push',
    'POST /api/bookings',
    'POST /api/segments',
    'POST /api/experiments/:channel/variants/:name',
    'POST /api/experiments/:channel/settings',
    'POST /api/experiments/:channel/promote',
    'POST /api/invites/:code/signup',
    'POST /api/join/check',
    'POST /api/join/signup',
    'POST /api/webhooks/endpoints',
    'POST /api/webhooks/endpoints/:id/replay',
    'POST /api/account/erase',
    'POST /api/client-errors',
  ],
} as const;

const segmentsOf = (path: string) => path.replace(/(.)\/$/, '$1').split('/');

/** Whether `METHOD /path` names the request's route (Express's matching: `:name` is one segment, literals ignore case). */
export function routeMatches(route: string, method: string, path: string): boolean {
  const [routeMethod, pattern] = route.split(' ') as [string, string];
  if (routeMethod !== method) return false;
  const want = segmentsOf(pattern);
  const got = segmentsOf(path);
  return want.length === got.length && want.every((w, i) => (w.startsWith(':') ? got[i] !== '' : w.toLowerCase() === got[i]!.toLowerCase()));
}

/** Some bytes came with the request (whatever their type, whether or not a parser read them). */
const hasBody = (req: Request) => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
const isEmptyObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

/** Whether a parsed query or JSON body holds a NUL, in a key or a string, at any depth. */
export function holdsNul(value: unknown): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return true;
    } else if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\u0000')) return true;
        stack.push(x);
      }
    }
  }
  return false;
}

/** Mounted on /api after the JSON parser and before the routes. */
export function strictApiInput(): RequestHandler {
  return (req, _res, next) => {
    const path = req.baseUrl + req.path;
    const takes = (routes: readonly string[]) => routes.some((r) => routeMatches(r, req.method, path));
    if (Object.keys(req.query as object).length > 0 && !takes(apiInput.query)) {
      return next(new HttpError(ErrorCode.INVALID_INPUT, `${req.method} ${path} takes no query parameters`));
    }
    if (hasBody(req) && !isEmptyObject(req.body) && !takes(apiInput.body)) {
      return next(new HttpError(ErrorCode.INVALID_INPUT, `${req.method} ${path} takes no request body`));
    }
    if (/%00/.test(req.path) || holdsNul(req.query) || holdsNul(req.body)) {
      return next(new HttpError(ErrorCode.INVALID_INPUT, 'text may not contain the NUL character (U+0000)'));
    }
    next();
  };
}
