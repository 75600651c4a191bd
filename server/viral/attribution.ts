/**
 * Attribution on the server: who referred whom (users.referred_by, set by the trigger of
 * migration 004 when an invitation is accepted), the chains, and referred revenue from
 * bookings. Chain depth, trees and revenue by level use the shared functions
 * (shared/analytics/attribution.ts); every aggregate over people goes through the privacy
 * rule (shared/analytics/privacy.ts) before it leaves the server.
 */
import { chainDepth, MAX_CHAIN_DEPTH_SHOWN, referralTree, referredRevenue, type ReferralNode } from '../../shared/analytics/attribution';
import { isSuppressed, protectBreakdown, protectTotal } from '../../shared/analytics/privacy';
import type { AttributionData, RevenueRow, UserData } from '../../shared/analytics/snapshots';
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

/** The attribution part of a user's own snapshot. */
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
  const revenue = referredRevenue(userId, nodes, MAX_CHAIN_DEPTH_SHOWN);
  return { referredBy, chainDepth: depth, tree: referralTree(userId, nodes), referredRevenue: revenue };
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

interface BookingRow {
  couple_id: string;
  dollars: number;
  depth: number;
  referrer_id: string;
  referrer_name: string;
  channel: string | null;
  variant: string | null;
  month: string;
}

function breakdown(rows: readonly BookingRow[], keyOf: (r: BookingRow) => string, labelOf: (r: BookingRow) => string, total: number): RevenueRow[] {
  const groups = new Map<string, { label: string; people: Set<string>; revenue: number }>();
  for (const r of rows) {
    const key = keyOf(r);
    const g = groups.get(key) ?? { label: labelOf(r), people: new Set<string>(), revenue: 0 };
    g.people.add(r.couple_id);
    g.revenue += r.dollars;
    groups.set(key, g);
  }
  const plain = [...groups].map(([key, g]) => ({ key, label: g.label, people: g.people.size, revenue: g.revenue }));
  return protectBreakdown(plain, { people: total }).map((r) =>
    r.suppressed ? { key: r.key, label: r.label, people: null, revenue: null, suppressed: true } : { ...r, suppressed: false },
  );
}

/**
 * The owner's attribution report: bookings by referred people up to 3 levels down a chain,
 * direct (the booker's referrer is a chain root) and indirect, by direct referrer, by the
 * channel and variant of the invitation that brought the booker, and by booking month.
 */
export async function readAttributionReport(db: Queryable): Promise<AttributionData> {
  const rows = await db.query<BookingRow>(
    `WITH RECURSIVE d (id, depth) AS (
       SELECT id, 0 FROM users WHERE referred_by IS NULL
       UNION ALL
       SELECT u.id, d.depth + 1 FROM users u JOIN d ON u.referred_by = d.id WHERE d.depth < $1)
     SELECT b.couple_id, b.amount_cents::float8 / 100 AS dollars, d.depth, u.referred_by AS referrer_id,
            r.name AS referrer_name, i.channel, i.variant, to_char(b.booked_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month
       FROM bookings b JOIN d ON d.id = b.couple_id AND d.depth >= 1
       JOIN users u ON u.id = b.couple_id JOIN users r ON r.id = u.referred_by
       LEFT JOIN invitations i ON i.id = u.referral_invitation_id`,
    [MAX_CHAIN_DEPTH_SHOWN],
  );
  const people = new Set(rows.map((r) => r.couple_id)).size;
  const sum = (xs: readonly BookingRow[]) => xs.reduce((s, r) => s + r.dollars, 0);
  const byReferrer = breakdown(rows, (r) => r.referrer_id, (r) => r.referrer_name, people)
    .sort((a, b) => (b.revenue ?? -1) - (a.revenue ?? -1))
    .slice(0, 20);
  // Direct and indirect split the referred people (each booker sits at one depth): beside a
  // shown total, one of them under 5 people takes the other with it. A part nobody is in is
  // about nobody: it shows 0 (while the total shows) and hides nothing.
  const parts = [rows.filter((r) => r.depth === 1), rows.filter((r) => r.depth > 1)].map((part) => ({
    revenue: sum(part),
    people: new Set(part.map((r) => r.couple_id)).size,
  }));
  const used = parts.filter((p) => p.people > 0);
  const verdict = protectBreakdown(used, { people });
  const [direct, indirect] = parts.map((p) =>
    p.people === 0 ? (isSuppressed(people) ? null : 0) : verdict[used.indexOf(p)]!.suppressed ? null : p.revenue,
  );
  return {
    ...protectTotal(people, { total: sum(rows), referredPeople: people }),
    direct: direct ?? null,
    indirect: indirect ?? null,
    byReferrer,
    byChannel: breakdown(rows, (r) => r.channel ?? 'unknown', (r) => r.channel ?? 'unknown', people),
    byVariant: breakdown(rows, (r) => r.variant ?? 'unknown', (r) => r.variant ?? 'unknown', people),
    byMonth: breakdown(rows, (r) => r.month, (r) => r.month, people).sort((a, b) => a.key.localeCompare(b.key)),
  };
}
