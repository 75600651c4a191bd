/**
 * Super-connector standing, per event and for everyone. The trigger of migration 004 keeps each
 * supplier's connections counted by relationship × status (connector_mix) in the write's own
 * transaction; here the shared formula (shared/analytics/superConnector.ts) turns them into a
 * score and tier. `updateConnectors` rescored the suppliers recent writes touched (the
 * metrics publisher runs it seconds after the writes, not inside the push, so a push never
 * waits on a supplier's row), recording a `connector.tier_changed` event for each tier that
 * moved; `recomputeConnectors` rescores everyone (recency decays with time).
 */
import type { InvitationStatus, Relationship } from '../../shared/invitation';
import { scoreConnector, type ConnectorScore, type ConnectorTier, type LinkMix } from '../../shared/analytics/superConnector';
import type { ViralEventDoc } from '../../shared/events';
import type { Queryable } from '../db/db';
import { recordEvent } from '../sync/events';

interface StatsRow {
  supplier_id: string;
  name: string;
  tier: ConnectorTier | null;
  last_success_at: Date | null;
  scored_at: Date | null;
  score: number | null;
  mix: { relationship: Relationship; status: InvitationStatus; n: number }[] | null;
}

const STATS = `SELECT s.supplier_id, u.name, s.tier, s.last_success_at, s.scored_at, s.score,
    (SELECT json_agg(json_build_object('relationship', m.relationship, 'status', m.status, 'n', m.n))
       FROM connector_mix m WHERE m.supplier_id = s.supplier_id AND m.n > 0) AS mix
  FROM connector_stats s JOIN users u ON u.id = s.supplier_id`;

export interface Scored extends ConnectorScore {
  userId: string;
  name: string;
  previousTier: ConnectorTier | null;
  previousScore: number | null;
}

function score(row: StatsRow, now: Date): Scored {
  const mix: LinkMix[] = row.mix ?? [];
  // A success is a couple connection that accepted.
  const successes = mix.filter((m) => m.status === 'accepted' && m.relationship !== 'fellow_supplier').reduce((s, m) => s + m.n, 0);
  return { userId: row.supplier_id, name: row.name, previousTier: row.tier, previousScore: row.score, ...scoreConnector({ mix, successes, lastSuccessAt: row.last_success_at }, now) };
}

/** A score moved enough to rewrite (tiers are 200+ apart; a hundredth of a point is noise). */
const moved = (s: Scored) => s.tier !== s.previousTier || s.previousScore === null || Math.abs(s.score - s.previousScore) >= 0.01;

async function store(tx: Queryable, all: Scored[], now: Date): Promise<ViralEventDoc[]> {
  const scored = all.filter(moved);
  if (scored.length === 0) return [];
  await tx.query(
    `UPDATE connector_stats s SET score = r.score, tier = r.tier, scored_at = $2
       FROM json_to_recordset($1::json) AS r (supplier_id text, score float8, tier text)
      WHERE s.supplier_id = r.supplier_id`,
    [JSON.stringify(scored.map((s) => ({ supplier_id: s.userId, score: s.score, tier: s.tier }))), now],
  );
  const events: ViralEventDoc[] = [];
  for (const s of scored.filter((x) => x.tier !== x.previousTier)) {
    events.push(
      await recordEvent(tx, {
        type: 'connector.tier_changed',
        actorId: s.userId,
        invitationId: null,
        inviterId: s.userId,
        orgId: null,
        data: { from: s.previousTier, to: s.tier, score: s.score, connections: s.connections, successes: s.successes },
        capturedAt: now,
        countedAt: now,
        timeSource: 'server',
      }),
    );
  }
  return events;
}

/** Rescores the given suppliers (after a write that touched them); returns the tier-change events. */
export async function updateConnectors(tx: Queryable, supplierIds: readonly string[], now: Date): Promise<ViralEventDoc[]> {
  if (supplierIds.length === 0) return [];
  const rows = await tx.query<StatsRow>(`${STATS} WHERE s.supplier_id = ANY($1::text[]) ORDER BY s.supplier_id FOR UPDATE OF s`, [[...new Set(supplierIds)]]);
  return store(tx, rows.map((r) => score(r, now)), now);
}

/**
 * Rescores every supplier who is or may become a super-connector (20+ connections, or a tier
 * to lose); everyone else has no tier. Only changed rows are written.
 */
export async function recomputeConnectors(tx: Queryable, now: Date): Promise<{ scored: number; changed: number; events: ViralEventDoc[] }> {
  const rows = await tx.query<StatsRow>(`${STATS} WHERE s.connections >= 20 OR s.tier IS NOT NULL`);
  const scored = rows.map((r) => score(r, now));
  const events = await store(tx, scored, now);
  return { scored: scored.length, changed: events.length, events };
}

/** The leaderboard: super-connectors by score, best first. */
export async function readLeaderboard(db: Queryable, limit = 50): Promise<{ userId: string; name: string; tier: ConnectorTier; score: number }[]> {
  return db.query(
    `SELECT s.supplier_id AS "userId", u.name, s.tier, s.score FROM connector_stats s JOIN users u ON u.id = s.supplier_id
      WHERE s.tier IS NOT NULL ORDER BY s.score DESC, s.supplier_id LIMIT $1`,
    [limit],
  );
}

/**
 * Standing as last scored (per event, or by the hourly rescoring), so that a snapshot only
 * changes when a score was recomputed, not with every tick of the recency clock; `now` for a
 * supplier never scored yet.
 */
export async function readConnectors(db: Queryable, supplierIds: readonly string[], now: Date): Promise<Scored[]> {
  if (supplierIds.length === 0) return [];
  const rows = await db.query<StatsRow>(`${STATS} WHERE s.supplier_id = ANY($1::text[])`, [[...supplierIds]]);
  return rows.map((r) => score(r, r.scored_at ?? now));
}

export async function readConnector(db: Queryable, supplierId: string, now: Date): Promise<Scored | null> {
  return (await readConnectors(db, [supplierId], now))[0] ?? null;
}
