/**
 * Attribution on the server: who referred whom (users.referred_by, set by the trigger of
 * migration 004 when an invitation is accepted), the chains, and referred revenue from
 * bookings. Chain depth, trees, revenue by level and the owner's report use the shared
 * functions (shared/analytics/attribution.ts, revenueReport.ts); every aggregate over people
 * goes through the privacy rules (shared/analytics/privacy.ts) before it leaves the server.
 */
import { chainDepth, hideRevenueBelow, levelFigures, MAX_CHAIN_DEPTH_SHOWN, referralTree, type ReferralNode } from '../../shared/analytics/attribution';
import { protectLevels } from '../../shared/analytics/privacy';
import { attributionReport, type ReferredBooking } from '../../shared/analytics/revenueReport';
import type { AttributionData, UserData } from '../../shared/analytics/snapshots';
import type { ConnectorTier } from '../../shared/analytics/superConnector';
import type { Queryable } from '../db/db';

/** Deeper than this is not followed when looking for the people below someone (a guard). */
const MAX_WALK = 50;

/** The referrers above a user, nearest first (at most MAX_WALK). */
async function ancestors(db: Queryable, userId: string): Promise<{ id: string; referred_by: string | null }[]> {
  return db.query(
    `WITH RECURSIVE up (id, referred_by, depth) AS (
       SELECT id, referred_by, 0 FROM users WHERE id = $1
       UNION ALL
       SELECT u.id, u.referred_by, up.depth + 1 FROM users u JOIN up ON u.id = up.referred_by WHERE up.depth < $2)
     SELECT id, referred_by FROM up ORDER BY depth`,
    [userId, MAX_WALK],
  );
}

/** The people below a user (all levels up to MAX_WALK) with their booking revenue in dollars. */
async function descendants(db: Queryable, userId: string): Promise<ReferralNode[]> {
  return db.query<ReferralNode>(
    `WITH RECURSIVE down (id, depth) AS (
       SELECT id, 0 FROM users WHERE id = $1
       UNION ALL
       SELECT u.id, down.depth + 1 FROM users u JOIN down ON u.referred_by = down.id WHERE down.depth < $2)
     SELECT u.id AS "userId", u.name, CASE WHEN u.id = $1 THEN NULL ELSE u.referred_by END AS "referrerId",
            coalesce((SELECT sum(b.amount_cents) FROM bookings b WHERE b.couple_id = u.id), 0)::float8 / 100 AS revenue
       FROM down JOIN users u ON u.id = down.id ORDER BY u.referred_at NULLS FIRST, u.id`,
    [userId, MAX_WALK],
  );
}

/**
 * The attribution part of a user's own snapshot. The people they referred are named, 3 levels
 * deep; what each booked is shown for the people they referred themselves (level 1) only; the
 * revenue by level goes through `protectLevels` (a level under 5 bookers says "fewer than 5").
 */
export async function readUserAttribution(db: Queryable, userId: string): Promise<Pick<UserData, 'referredBy' | 'chainDepth' | 'tree' | 'referredRevenue'>> {
  const up = await ancestors(db, userId);
  const referrerOf = new Map(up.map((u) => [u.id, u.referred_by]));
  const depth = chainDepth(userId, (id) => referrerOf.get(id) ?? null);
  const referrerId = referrerOf.get(userId) ?? null;
  let referredBy: UserData['referredBy'] = null;
  if (referrerId) {
    const [r] = await db.query<{ name: string; tier: ConnectorTier | null }>(
      `SELECT u.name, s.tier FROM users u LEFT JOIN connector_stats s ON s.supplier_id = u.id WHERE u.id = $1`,
      [referrerId],
    );
    referredBy = { userId: referrerId, name: r?.name ?? 'someone', tier: r?.tier ?? null };
  }
  const nodes = await descendants(db, userId);
  return {
    referredBy,
    chainDepth: depth,
    // No one's own bookings: a person's total is a figure about one person (DESIGN §6); the
    // levels' figures below say what the chain booked, from 5 bookers up.
    tree: hideRevenueBelow(referralTree(userId, nodes), 0),
    referredRevenue: protectLevels(levelFigures(userId, nodes, MAX_CHAIN_DEPTH_SHOWN)),
  };
}

/** Users whose own snapshot a change to these users affects: them and their referrers up to 3 levels. */
export async function withReferrers(db: Queryable, userIds: readonly string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await db.query<{ id: string }>(
    `WITH RECURSIVE up (id, depth) AS (
       SELECT id, 0 FROM users WHERE id = ANY($1::text[])
       UNION
       SELECT u.referred_by, up.depth + 1 FROM users u JOIN up ON u.id = up.id WHERE u.referred_by IS NOT NULL AND up.depth < $2)
     SELECT DISTINCT id FROM up`,
    [[...userIds], MAX_CHAIN_DEPTH_SHOWN],
  );
  return rows.map((r) => r.id);
}

/**
 * The owner's attribution report: every booking by a referred person, with the booker's three
 * nearest referrers and the invitation that brought them in; what counts and what is hidden is
 * decided in shared/analytics/revenueReport.ts.
 */
export async function readAttributionReport(db: Queryable): Promise<AttributionData> {
  const rows = await db.query<{ couple_id: string; cents: string; r1: string; r1_name: string; r2: string | null; r2_name: string | null; r3: string | null; r3_name: string | null; channel: string | null; variant: string | null; month: string }>(
    `SELECT b.couple_id, b.amount_cents AS cents, r1.id AS r1, r1.name AS r1_name, r2.id AS r2, r2.name AS r2_name, r3.id AS r3, r3.name AS r3_name,
            i.channel, i.variant, to_char(b.booked_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month
       FROM bookings b
       JOIN users u ON u.id = b.couple_id
       JOIN users r1 ON r1.id = u.referred_by
       LEFT JOIN users r2 ON r2.id = r1.referred_by
       LEFT JOIN users r3 ON r3.id = r2.referred_by
       LEFT JOIN invitations i ON i.id = u.referral_invitation_id`,
  );
  const bookings: ReferredBooking[] = rows.map((r) => ({
    coupleId: r.couple_id,
    cents: Number(r.cents),
    referrers: [
      { id: r.r1, name: r.r1_name },
      ...(r.r2 !== null ? [{ id: r.r2, name: r.r2_name! }] : []),
      ...(r.r2 !== null && r.r3 !== null ? [{ id: r.r3, name: r.r3_name! }] : []),
    ],
    channel: r.channel,
    variant: r.variant,
    month: r.month,
  }));
  return attributionReport(bookings);
}
