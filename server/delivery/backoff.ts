/**
 * Retry schedule of the delivery outbox: exponential backoff with "equal jitter". After the
 * n-th failed attempt (n ≥ 1) the row waits
 *     d(n) = min(max, base × 2^(n−1)) × (1/2 + random/2)
 * that is between half and all of the exponential step, so retries of many rows that failed
 * together spread out instead of arriving at the provider at once. With the defaults
 * (DELIVERY_RETRY_BASE_MS = 30 s, DELIVERY_RETRY_MAX_MS = 1 h, DELIVERY_MAX_ATTEMPTS = 6):
 *     attempt 1 fails → wait 15–30 s;  2 → 30–60 s;  3 → 1–2 min;  4 → 2–4 min;  5 → 4–8 min;
 *     attempt 6 fails → dead letter (about 8–16 minutes after the first try).
 * A failure the provider calls permanent (a bad number, a refused mailbox) dead-letters at once.
 */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}

export function retryDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step * (0.5 + random() / 2));
}

/** What happens after a failed attempt: try again later, or give up. */
export function afterFailure(attempt: number, retryable: boolean, policy: RetryPolicy, random?: () => number): { retryInMs: number } | 'dead' {
  if (!retryable || attempt >= policy.maxAttempts) return 'dead';
  return { retryInMs: retryDelayMs(attempt, policy, random) };
}
