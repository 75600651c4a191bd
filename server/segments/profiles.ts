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

/** The profile's columns, over `u` (the user) and the per-user joins `cs`, `chain`, `rr`, `ob`, `last`, `w`. */
const PROFILE_COLUMNS = `
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
       coalesce(ob.n, 0)::int AS bookings`;

/** The invitation figures of `u`: last invitation, and the 30 days before $1. */
const INVITATION_JOINS = `
  LEFT JOIN connector_stats cs ON cs.supplier_id = u.id
  LEFT JOIN LATERAL (
    SELECT max(i.counted_at) AS at FROM invitations i WHERE i.inviter_id = u.id AND NOT i.deleted
  ) last ON true
  LEFT JOIN LATERAL (
    SELECT count(*) AS invitations, count(*) FILTER (WHERE i.status = 'accepted') AS accepted
      FROM invitations i
     WHERE i.inviter_id = u.id AND NOT i.deleted
       AND i.counted_at > $1::timestamptz - interval '30 days' AND i.counted_at <= $1::timestamptz
  ) w ON true`;

const HAS_PROFILE = `u.role IN ('supplier', 'couple') AND u.erased_at IS NULL`;

/** Everyone: the chain depth walks down from the roots once, revenue and bookings are grouped once. */
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
${PROFILE_COLUMNS}
  FROM users u
  LEFT JOIN chain ON chain.id = u.id
  LEFT JOIN referred_revenue rr ON rr.user_id = u.id
  LEFT JOIN own_bookings ob ON ob.user_id = u.id
  ${INVITATION_JOINS}
 WHERE ${HAS_PROFILE}
 ORDER BY u.id`;

/**
 * A few users ($3): the same columns, each read from that user's rows only (the depth walks up
 * their chain, revenue and bookings by index), so the cost follows the number asked for, not
 * the size of the platform. The depth agrees with the walk down: links up to a root, capped at
 * $2 (a chain deeper than the cap, or a loop, reaches the cap).
 */
export const PROFILES_OF_SQL = `
WITH RECURSIVE up (id, next, depth) AS (
  SELECT u.id, u.referred_by, 0 FROM users u WHERE u.id = ANY($3::text[])
  UNION ALL
  SELECT up.id, r.referred_by, up.depth + 1 FROM up JOIN users r ON r.id = up.next WHERE up.depth < $2
),
chain AS (SELECT id, max(depth) AS depth FROM up GROUP BY id)
${PROFILE_COLUMNS}
  FROM users u
  LEFT JOIN chain ON chain.id = u.id
  LEFT JOIN LATERAL (
    SELECT sum(b.amount_cents) AS cents FROM users r JOIN bookings b ON b.couple_id = r.id WHERE r.referred_by = u.id
  ) rr ON true
  LEFT JOIN LATERAL (SELECT count(*) AS n FROM bookings b WHERE b.couple_id = u.id) ob ON true
  ${INVITATION_JOINS}
 WHERE u.id = ANY($3::text[]) AND ${HAS_PROFILE}
 ORDER BY u.id`;

interface ProfileRow extends Omit<SegmentProfile, 'k30d'> {}

/**
 * Profiles of every supplier and couple at `now` (or only of `userIds`: PROFILES_OF_SQL), ordered by user id.
 * Run it inside a transaction: the planner overestimates the recursive chain ~25-fold, which
 * pushes the cost over PostgreSQL's JIT threshold, and compiling took 47 ms of a 104 ms run
 * (EXPLAIN ANALYZE, 4,700 users, 9,300 invitations; 46 ms without JIT). So JIT is off for the
 * transaction. Every lookup per user is an index scan (invitations_inviter_counted).
 */
export async function readProfiles(tx: Queryable, now: Date, userIds?: readonly string[]): Promise<SegmentProfile[]> {
  await tx.query('SET LOCAL jit = off');
  const rows = userIds
    ? await tx.query<ProfileRow>(PROFILES_OF_SQL, [now, MAX_REFERRAL_DEPTH, [...userIds]])
    : await tx.query<ProfileRow>(PROFILE_SQL, [now, MAX_REFERRAL_DEPTH]);
  return rows.map((r) => ({ ...r, k30d: r.accepted30d }));
}
