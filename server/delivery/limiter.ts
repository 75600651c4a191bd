/**
 * Limits guesses at short codes (shared/invites.ts SHORT_CODE_GUESSES): per client address and
 * for the whole server, with rate-limiter-flexible. Memory counters: each server process keeps
 * its own, so N processes allow N times the global cap (still negligible odds; a shared store
 * such as RateLimiterPostgres would make it exact).
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { SHORT_CODE_GUESSES } from '../../shared/invites';

export interface GuessLimiter {
  /** Counts one guess; says how long to wait when over a limit. */
  take(address: string): Promise<{ ok: true } | { ok: false; retryAfterS: number }>;
}

export interface GuessLimits {
  perAddress: { points: number; seconds: number };
  global: { points: number; seconds: number };
}

export function guessLimiter(limits: GuessLimits = SHORT_CODE_GUESSES): GuessLimiter {
  const perAddress = new RateLimiterMemory({ keyPrefix: 'short-ip', points: limits.perAddress.points, duration: limits.perAddress.seconds });
  const global = new RateLimiterMemory({ keyPrefix: 'short-all', points: limits.global.points, duration: limits.global.seconds });
  const refused = (err: unknown) => {
    if (err instanceof RateLimiterRes) return { ok: false as const, retryAfterS: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
    throw err;
  };
  return {
    async take(address) {
      try {
        await perAddress.consume(address);
        await global.consume('all');
        return { ok: true };
      } catch (err) {
        return refused(err);
      }
    },
  };
}
