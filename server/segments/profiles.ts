/**
 * The profile a segment rule reads (shared/analytics/segments.ts `SegmentProfile`), one per
 * supplier and couple, from one SQL query at a given `now`:
 * - tier and connections from connector_stats (suppliers; no row means no tier, 0 connections);
 * - invitations30d / accepted30d: the invitations they created (by counted_at, not deleted) in
 *   the 30 days before `now`, and how many of those are accepted; k30d = accepted30d, the K of a
 *   single inviter (accepted ÷ 1 inviter);
 * - daysSinceLastInvitation / daysSinceReferred: whole days, null when there is none;
 * - referralDepth: links up the users.referred_by chain (0 when nobody referred them), capped
 *   at MAX_REFERRAL_DEPTH;
 * - referredRevenue: bookings (dollars) of the people they referred directly; bookings: their own.
 * Erased accounts have no profile, so they are in no segment (server/privacy/erase.ts).
 */
import type { SegmentProfile } from '../../shared/analytics/segments';
import type { Queryable } from '../db/db';

export const MAX_REFERRAL_DEPTH = 20;

export const PROFILE_SQL = `
WITH RECURSIVE chain (id, depth) AS (
  SELECT id, 0 FROM users WHERE referred_by IS NULL
  UNION ALL
  SELECT u.id, c.depth + 1 FROM users u JOIN chain c ON u.referred_by = c.id WHERE c.depth < $2
),
referred_revenue AS (
  SELECT r.referred_by AS user_id, sum(b.amount_cents) AS cents
    FROM users r JOIN bookings b ON b.couple_id = r.id
   WHERE r.referred_by IS NOT NULL
   GROUP BY r.referred_by
),
own_bookings AS (
  SELECT couple_id AS user_id, count(*) AS n FROM bookings GROUP BY couple_id
)
SELECT u.id AS "userId", u.name, u.email, u.role,
       cs.tier,
       coalesce(cs.connections, 0)::int AS connections,
       coalesce(w.invitations, 0)::int AS "invitations30d",
       coalesce(w.accepted, 0)::int AS "accepted30d",
       plusone_whole_days(last.at, $1::timestamptz) AS "daysSinceLastInvitation",
       plusone_whole_days(u.referred_at, $1::timestamptz) AS "daysSinceReferred",
       -- No row: deeper than the cap (or, never expected, a loop).
       coalesce(chain.depth, $2)::int AS "referralDepth",
       (coalesce(rr.cents, 0) / 100.0)::float8 AS "referredRevenue",
       coalesce(ob.n, 0)::int AS bookings
  FROM users u
  LEFT JOIN connector_stats cs ON cs.supplier_id = u.id
  LEFT JOIN chain ON chain.id = u.id
  LEFT JOIN referred_revenue rr ON rr.user_id = u.id
  LEFT JOIN own_bookings ob ON ob.user_id = u.id
  LEFT JOIN LATERAL (
    SELECT max(i.counted_at) AS at FROM invitations i WHERE i.inviter_id = u.id AND NOT i.deleted
  ) last ON true
  LEFT JOIN LATERAL (
    SELECT count(*) AS invitations, count(*) FILTER (WHERE i.status = 'accepted') AS accepted
      FROM invitations i
     WHERE i.inviter_id = u.id AND NOT i.deleted
       AND i.counted_at > $1::timestamptz - interval '30 days' AND i.counted_at <= $1::timestamptz
  ) w ON true
 WHERE u.role IN ('supplier', 'couple') AND u.erased_at IS NULL AND ($3::text[] IS NULL OR u.id = ANY($3::text[]))
 ORDER BY u.id`;

interface ProfileRow extends Omit<SegmentProfile, 'k30d'> {}

/**
 * Profiles of every supplier and couple at `now` (or only of `userIds`), ordered by user id.
 * Run it inside a transaction: the planner overestimates the recursive chain ~25-fold, which
 * pushes the cost over PostgreSQL's JIT threshold, and compiling took 47 ms of a 104 ms run
 * (EXPLAIN ANALYZE, 4,700 users, 9,300 invitations; 46 ms without JIT). So JIT is off for the
 * transaction. Every lookup per user is an index scan (invitations_inviter_counted).
 */
export async function readProfiles(tx: Queryable, now: Date, userIds?: readonly string[]): Promise<SegmentProfile[]> {
  await tx.query('SET LOCAL jit = off');
  const rows = await tx.query<ProfileRow>(PROFILE_SQL, [now, MAX_REFERRAL_DEPTH, userIds ? [...userIds] : null]);
  return rows.map((r) => ({ ...r, k30d: r.accepted30d }));
}
