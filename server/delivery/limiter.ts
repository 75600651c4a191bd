/**
 * Limits guesses at short codes (shared/invites.ts SHORT_CODE_GUESSES): per client address and
 * for the whole platform, in the shared rate-limit store (server/limits/store.ts), so every
 * server process counts the same guesses.
 */
import { SHORT_CODE_GUESSES } from '../../shared/invites';
import { take, type LimiterStore } from '../limits/store';

export interface GuessLimiter {
  /** Counts one guess; says how long to wait when over a limit. */
  take(address: string): Promise<{ ok: true } | { ok: false; retryAfterS: number }>;
}

export interface GuessLimits {
  perAddress: { points: number; seconds: number };
  global: { points: number; seconds: number };
}

export function guessLimiter(store: LimiterStore, limits: GuessLimits = SHORT_CODE_GUESSES): GuessLimiter {
  const perAddress = store.limiter('short-ip', limits.perAddress);
  const global = store.limiter('short-all', limits.global);
  return {
    async take(address) {
      for (const [limiter, key] of [[perAddress, address], [global, 'all']] as const) {
        const taken = await take(limiter, key);
        if (!taken.ok) return { ok: false, retryAfterS: taken.retryAfterS };
      }
      return { ok: true };
    },
  };
}
