/**
 * Rate limits (DESIGN §6, issue 8): the policy numbers, once, and the pure helpers the server and
 * the client share around them.
 *
 * - Invitations are limited per inviter by the hour and by the day, by limit tier: regular
 *   10/hour 50/day, premium 20/hour 100/day, super-connector 30/hour 200/day.
 * - The limit tier: any super-connector tier from the analytics (bronze, silver, gold,
 *   platinum: the suppliers with 20+ couple connections, shared/analytics/superConnector.ts)
 *   is 'super-connector', whatever the plan, since that is the higher allowance; otherwise the
 *   plan ('premium' or 'regular'; no plan reads as regular).
 * - Analytics reads: 60 a minute and 500 an hour per user; exports: 1 an hour and 5 a day.
 * - Windows are fixed: a window starts with its first use and its whole allowance comes back
 *   when it ends (rate-limiter-flexible's counters), so "when it frees" is one instant.
 * - HTTP answers carry the IETF fields of draft-ietf-httpapi-ratelimit-headers (-11):
 *   `RateLimit-Policy: "hour";q=10;w=3600, "day";q=50;w=86400` (a List of Strings with an
 *   Integer quota `q` and window `w` in seconds) and `RateLimit: "hour";r=3;t=1200` (available
 *   quota `r`, seconds `t` until the window ends); a refusal adds `Retry-After` in seconds.
 */
import type { ConnectorTier } from './analytics/superConnector';

export const plans = ['regular', 'premium'] as const;
export type Plan = (typeof plans)[number];

export const limitTiers = ['regular', 'premium', 'super-connector'] as const;
export type LimitTier = (typeof limitTiers)[number];

export const MINUTE_S = 60;
export const HOUR_S = 3600;
export const DAY_S = 86_400;

/** One allowance: `points` uses per window of `seconds`; `name` is its IETF policy name. */
export interface Policy {
  name: 'minute' | 'hour' | 'day';
  points: number;
  seconds: number;
}

const hour = (points: number): Policy => ({ name: 'hour', points, seconds: HOUR_S });
const day = (points: number): Policy => ({ name: 'day', points, seconds: DAY_S });

export const invitationPolicies: Record<LimitTier, readonly [Policy, Policy]> = {
  regular: [hour(10), day(50)],
  premium: [hour(20), day(100)],
  'super-connector': [hour(30), day(200)],
};

export const analyticsPolicies: readonly Policy[] = [{ name: 'minute', points: 60, seconds: MINUTE_S }, hour(500)];
export const exportPolicies: readonly Policy[] = [hour(1), day(5)];

/** The limit tier of a user, from their plan and their super-connector tier (null: none). */
export function limitTierOf(plan: Plan | null | undefined, connectorTier: ConnectorTier | null | undefined): LimitTier {
  if (connectorTier) return 'super-connector';
  return plan === 'premium' ? 'premium' : 'regular';
}

/** Where one policy stands for one user after a request. */
export interface PolicyState {
  policy: Policy;
  /** Uses left in the window. */
  remaining: number;
  /** Seconds until the window ends and the whole allowance is back. */
  resetS: number;
}

/** `RateLimit-Policy`: every policy that applies, as an SF List. */
export function rateLimitPolicyField(policies: readonly Policy[]): string {
  return policies.map((p) => `"${p.name}";q=${p.points};w=${p.seconds}`).join(', ');
}

/** `RateLimit`: the available quota and the seconds left of each policy's window. */
export function rateLimitField(states: readonly PolicyState[]): string {
  return states.map((s) => `"${s.policy.name}";r=${Math.max(0, s.remaining)};t=${Math.max(0, Math.ceil(s.resetS))}`).join(', ');
}

/** One member of a RateLimit or RateLimit-Policy field: the policy's name and its Integer parameters. */
export interface FieldItem {
  name: string;
  params: Record<string, number>;
}

const ITEM = /^"((?:[\x20-\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"((?:;[a-z*][a-z0-9_.*-]*=-?\d{1,15})*)$/;

/**
 * Parses the subset of RFC 9651 Structured Fields these two fields use here: a List of String
 * Items whose parameters are Integers. Anything else throws, naming the member.
 */
export function parseRateLimitField(value: string): FieldItem[] {
  const members = value.split(',').map((m) => m.trim());
  return members.map((member) => {
    const match = ITEM.exec(member);
    if (!match) throw new SyntaxError(`not a String Item with Integer parameters: ${JSON.stringify(member)}`);
    const params: Record<string, number> = {};
    for (const part of match[2]!.split(';').slice(1)) {
      const [key, raw] = part.split('=') as [string, string];
      if (key in params) throw new SyntaxError(`parameter ${key} twice in ${JSON.stringify(member)}`);
      params[key] = Number(raw);
    }
    return { name: match[1]!.replace(/\\(["\\])/g, '$1'), params };
  });
}

/** Which allowance a wait is for: only a day's allowance can free more than an hour after the refusal. */
export function allowanceOf(refusedAt: Date, retryAt: Date): 'hour' | 'day' {
  return retryAt.getTime() - refusedAt.getTime() > HOUR_S * 1000 ? 'day' : 'hour';
}

export interface WaitWording {
  /** The reader's time zone (IANA); the runtime's when not given. */
  timeZone?: string;
}

const plural = (n: number) => (n === 1 ? { noun: 'invitation', verb: 'waits' } : { noun: 'invitations', verb: 'wait' });

/**
 * What the header says about invitations held back by a rate limit, e.g. "12 invitations wait for
 * tomorrow's allowance, from 09:30" or "3 invitations wait until 14:00 for the next hour's
 * allowance"; once that time has passed, that they wait to be sent again (they go at the next
 * sync). Times are the reader's local 24-hour clock.
 */
export function waitingMessage(count: number, refusedAt: Date, retryAt: Date, now: Date, wording: WaitWording = {}): string {
  const { noun, verb } = plural(count);
  if (retryAt.getTime() <= now.getTime()) return `${count} ${noun} ${verb} to be sent again`;
  const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: wording.timeZone }).format(retryAt);
  if (allowanceOf(refusedAt, retryAt) === 'hour') return `${count} ${noun} ${verb} until ${time} for the next hour's allowance`;
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: wording.timeZone });
  if (date.format(retryAt) !== date.format(now)) return `${count} ${noun} ${verb} for tomorrow's allowance, from ${time}`;
  return `${count} ${noun} ${verb} until ${time} for the next day's allowance`;
}

/** The server's reason on a refused invitation (the client shows `waitingMessage` instead). */
export function invitationLimitMessage(tier: LimitTier, policy: Policy): string {
  const per = policy.name === 'hour' ? 'an hour' : 'a day';
  return `${policy.points} invitations ${per} is the limit for a ${tier} account: this one goes with the next ${policy.name}'s allowance`;
}

/** The message of a 429 on an HTTP limit. */
export function requestLimitMessage(what: string, policy: Policy, retryAfterS: number): string {
  const per = { minute: 'a minute', hour: 'an hour', day: 'a day' }[policy.name];
  return `${policy.points} ${what} ${per} is the limit: try again in ${retryAfterS} s`;
}
