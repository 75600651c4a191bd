/**
 * The invitation rate limit: a gate on new invitations (server/sync/gates.ts), the last one, so
 * it spends allowance only on what every other gate let through. Per inviter, an hourly and a
 * daily allowance by limit tier (shared/limits.ts: the plan, or super-connector). Each new
 * invitation takes one point from both; those over either allowance are refused with
 * RATE_LIMITED and `retryAt`, the moment the allowance that holds them back frees. In a batch
 * the first ones in push order go: 15 new with 10 left, the first 10 are written.
 *
 * A push never spends what it does not write:
 * - A batch takes its points at once per window and gives back at once what it could not use,
 *   so a counter holds exactly what was admitted (refused invitations spend nothing).
 * - On the database store the counters move inside the push's own transaction (a
 *   rate-limiter-flexible PostgreSQL limiter over `tx`): a rolled-back push takes its points back
 *   with it, and two pushes of one inviter queue on the counter row, so they count exactly. (A
 *   limiter on the pool would also deadlock PGlite, whose one connection the push holds.)
 * - On Redis the counters live outside the transaction: a push that rolls back gives its points
 *   back, through `refundOnRollback(db)`, which wraps the Db the sync routes run on.
 * Each window has one counter whatever the tier, so a tier that changes mid-window keeps what
 * was spent; the tier's allowance is applied here, not by the limiter.
 */
import { RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ErrorCode } from '../../shared/errors';
import { invitationLimitMessage, invitationPolicies, limitTierOf, limitTiers, type LimitTier, type Plan } from '../../shared/limits';
import type { ConnectorTier } from '../../shared/analytics/superConnector';
import type { Db, Queryable } from '../db/db';
import type { CreateGate, GateRefusal } from '../sync/gates';
import type { LimitRule, LimiterStore } from './store';

/** The windows in the order of `invitationPolicies[tier]`: hour, then day. */
const WINDOWS = [0, 1] as const;

/** A window's counter rule: its length, and the largest allowance any tier has in it. */
function counterRule(w: 0 | 1): LimitRule {
  return { points: Math.max(...limitTiers.map((t) => invitationPolicies[t][w].points)), seconds: invitationPolicies.regular[w].seconds };
}

const counterName = (w: 0 | 1) => `invitations-${invitationPolicies.regular[w].name}`;

/** The same key prefix the store gives a limiter (server/limits/store.ts). */
const keyPrefix = (w: 0 | 1) => `${counterName(w)}:${counterRule(w).points}/${counterRule(w).seconds}`;

/** A PostgreSQL limiter whose queries run in the push's transaction. */
function limiterIn(tx: Queryable, w: 0 | 1): RateLimiterAbstract {
  const rule = counterRule(w);
  return new RateLimiterPostgres({
    keyPrefix: keyPrefix(w),
    points: rule.points,
    duration: rule.seconds,
    storeClient: { query: async (q: { text: string; values?: unknown[] }) => ({ rows: await tx.query(q.text, q.values) }) },
    storeType: 'pool',
    tableName: 'rate_limits',
    tableCreated: true,
    clearExpiredByTimeout: false,
  });
}

interface Counted {
  /** Points in the window after this push's. */
  used: number;
  /** When the window ends (ms since the epoch). */
  endsAt: number;
}

/** Adds `n` points to `key`, over the limiter's own allowance or not (we apply the tier's). */
async function add(limiter: RateLimiterAbstract, key: string, n: number): Promise<Counted> {
  let res: RateLimiterRes;
  try {
    res = await limiter.consume(key, n);
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    res = err;
  }
  return { used: res.consumedPoints, endsAt: Date.now() + res.msBeforeNext };
}

/** Gives `n` points back, unless the window has ended (a fresh window would start below zero). */
async function giveBack(limiter: RateLimiterAbstract, key: string, n: number, endsAt: number): Promise<void> {
  if (n > 0 && Date.now() < endsAt) await limiter.reward(key, n);
}

type Refund = () => Promise<void>;
const refunds = new WeakMap<Queryable, Refund[]>();

/**
 * The Db the sync routes run on: a transaction that rolls back runs the refunds registered in
 * it (Redis points spent by a push that was not written). Refunds never hide the push's error.
 */
export function refundOnRollback(db: Db): Db {
  return {
    ...db,
    async transaction(fn) {
      const pending: Refund[] = [];
      try {
        return await db.transaction((tx) => {
          refunds.set(tx, pending);
          return fn(tx);
        });
      } catch (err) {
        await Promise.allSettled(pending.map((refund) => refund()));
        throw err;
      }
    },
  };
}

/** The inviter's limit tier, read in the push's transaction. */
export async function limitTierFor(tx: Queryable, userId: string): Promise<LimitTier> {
  const [row] = await tx.query<{ plan: Plan; tier: ConnectorTier | null }>(
    'SELECT u.plan, c.tier FROM users u LEFT JOIN connector_stats c ON c.supplier_id = u.id WHERE u.id = $1',
    [userId],
  );
  return limitTierOf(row?.plan, row?.tier);
}

export function invitationLimitGate(store: LimiterStore): CreateGate {
  return {
    async admit(tx, user, creates) {
      const refused = new Map<string, GateRefusal>();
      const n = creates.length;
      if (n === 0) return refused;
      const tier = await limitTierFor(tx, user.id);
      const policies = invitationPolicies[tier];
      const limiters = WINDOWS.map((w) => (store.kind === 'redis' ? store.limiter(counterName(w), counterRule(w)) : limiterIn(tx, w)));
      const counted: Counted[] = [];
      for (const w of WINDOWS) counted.push(await add(limiters[w]!, user.id, n));
      // How many of this batch fit each window: its allowance less what was used before it.
      const fits = WINDOWS.map((w) => Math.min(n, Math.max(0, policies[w].points - (counted[w]!.used - n))));
      const admitted = Math.min(...fits);
      for (const w of WINDOWS) await giveBack(limiters[w]!, user.id, n - admitted, counted[w]!.endsAt);
      if (store.kind === 'redis' && admitted > 0) {
        refunds.get(tx)?.push(async () => {
          for (const w of WINDOWS) await giveBack(limiters[w]!, user.id, admitted, counted[w]!.endsAt);
        });
      }
      for (let i = admitted; i < n; i++) {
        // Held back by each window it does not fit; it may go when the last of them ends.
        const holding = WINDOWS.filter((w) => i >= fits[w]!).sort((a, b) => counted[b]!.endsAt - counted[a]!.endsAt)[0]!;
        refused.set(creates[i]!.id, {
          code: ErrorCode.RATE_LIMITED,
          message: invitationLimitMessage(tier, policies[holding]),
          retryAt: new Date(counted[holding]!.endsAt).toISOString(),
        });
      }
      return refused;
    },
  };
}
