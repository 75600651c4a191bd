/**
 * Rate limits on HTTP reads (issue 8): analytics reads 60 a minute and 500 an hour per user,
 * exports 1 an hour and 5 a day (shared/limits.ts), counted in the shared limiter store so every
 * server process counts together. Mounted in front of the routers it guards, so no route file
 * knows about it.
 *
 * Every limited answer (200 too) carries `RateLimit-Policy` and `RateLimit` (IETF draft fields);
 * a refusal is 429 RATE_LIMITED with `Retry-After` in seconds, and spends nothing: the points it
 * took in the windows that still had room are given back. Requests are counted per signed-in
 * user whatever their answer; one without a session is not counted (its route answers 401).
 */
import type { Express, RequestHandler } from 'express';
import { ErrorCode } from '../../shared/errors';
import { analyticsPolicies, exportPolicies, rateLimitField, rateLimitPolicyField, requestLimitMessage, type Policy, type PolicyState } from '../../shared/limits';
import { HttpError } from '../http/errors';
import { take, type LimiterStore } from './store';

/** A middleware that takes one point of each policy from the signed-in user. */
export function limitRequests(store: LimiterStore, name: string, what: string, policies: readonly Policy[]): RequestHandler {
  const limiters = policies.map((p) => store.limiter(`${name}-${p.name}`, { points: p.points, seconds: p.seconds }));
  const policyField = rateLimitPolicyField(policies);
  return async (req, res, next) => {
    const user = req.user;
    if (!user) return next();
    const taken = await Promise.all(limiters.map((l) => take(l, user.id)));
    const refused = taken.some((t) => !t.ok);
    if (refused) await Promise.all(taken.map((t, i) => (t.ok ? limiters[i]!.reward(user.id, 1) : undefined)));
    const states: PolicyState[] = taken.map((t, i) => ({ policy: policies[i]!, remaining: t.remaining + (refused && t.ok ? 1 : 0), resetS: t.resetS }));
    res.set({ 'RateLimit-Policy': policyField, RateLimit: rateLimitField(states) });
    if (!refused) return next();
    // The request may go again when the last window holding it back ends.
    const holding = taken.map((t, i) => ({ t, i })).filter(({ t }) => !t.ok).sort((a, b) => b.t.resetS - a.t.resetS)[0]!;
    const retryAfterS = holding.t.resetS;
    throw new HttpError(ErrorCode.RATE_LIMITED, requestLimitMessage(what, policies[holding.i]!, retryAfterS), undefined, { 'Retry-After': String(retryAfterS) });
  };
}

/** `GET /api/segments/:id/export` is an export; every other segments read is analytics. */
const SEGMENT_EXPORT = /^\/[^/]+\/export\/?$/;

const readsOnly = (limit: RequestHandler): RequestHandler => (req, res, next) =>
  req.method === 'GET' || req.method === 'HEAD' ? limit(req, res, next) : next();

/**
 * Guards the analytics reads (`/api/viral/*`, `/api/segments` and its members, the marketing
 * feed) and the exports (`/api/export/*`, a segment's export). Install after the session
 * middleware and before those routers.
 */
export function installRequestLimits(app: Express, store: LimiterStore): void {
  const analytics = limitRequests(store, 'analytics', 'analytics reads', analyticsPolicies);
  const exports = limitRequests(store, 'exports', 'exports', exportPolicies);
  app.use('/api/viral', readsOnly(analytics));
  app.use('/api/marketing/feed', readsOnly(analytics));
  app.use('/api/export', readsOnly(exports));
  app.use('/api/segments', readsOnly((req, res, next) => (SEGMENT_EXPORT.test(req.path) ? exports : analytics)(req, res, next)));
}
