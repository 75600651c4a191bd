/**
 * The super-connector score (DESIGN §4), defined once here for server and client:
 *
 *   score = connections × avgStrength × (1 + successes × 0.1) × recencyBoost
 *
 * - A connection is a distinct couple the supplier invited: every relationship but
 *   'fellow_supplier'. Its strength, in [0, 1], is half how close the relationship is and half
 *   how far the best invitation to that couple got (`linkStrength`). connections × avgStrength
 *   is the sum of strengths, so a new connection never lowers the score.
 * - successes are acceptances credited to the supplier; each adds 10% to the score.
 * - recencyBoost = 1 + 0.5 × e^(−days since last success ÷ 30): in [1, 1.5], 1 with no success.
 * Only suppliers with at least 20 connections are super-connectors (tier null below that);
 * tiers by score: platinum ≥ 1000, gold ≥ 500, silver ≥ 200, else bronze. Bad counts throw a
 * RangeError rather than scoring NaN.
 */
import type { InvitationStatus, Relationship } from '../invitation';

export const SUPER_CONNECTOR_MIN_CONNECTIONS = 20;
export const TIER_THRESHOLDS = { platinum: 1000, gold: 500, silver: 200 } as const;
export const SUCCESS_BONUS = 0.1;
export const RECENCY_HALF_BOOST = 0.5;
export const RECENCY_DAYS = 30;

export const connectorTiers = ['platinum', 'gold', 'silver', 'bronze'] as const;
export type ConnectorTier = (typeof connectorTiers)[number];

const tierLabels: Record<ConnectorTier, string> = {
  platinum: 'Platinum',
  gold: 'Gold',
  silver: 'Silver',
  bronze: 'Bronze',
};

export function tierLabel(t: ConnectorTier): string {
  return tierLabels[t];
}

/** How close the relationship is; a fellow supplier is never a couple connection. */
export const relationshipWeight: Record<Relationship, number> = {
  past_client: 1,
  friend_family: 0.8,
  other: 0.5,
  fellow_supplier: 0,
};

/** How far the interaction got. A decline still shows engagement; a cancel shows none. */
export const interactionWeight: Record<InvitationStatus, number> = {
  queued: 0.1,
  sent: 0.2,
  delivered: 0.3,
  opened: 0.6,
  accepted: 1,
  declined: 0.4,
  cancelled: 0,
};

/** Strength of one connection, in [0, 1]. */
export function linkStrength(relationship: Relationship, status: InvitationStatus): number {
  return 0.5 * relationshipWeight[relationship] + 0.5 * interactionWeight[status];
}

/** How many connections sit at one relationship × best status. */
export interface LinkMix {
  relationship: Relationship;
  status: InvitationStatus;
  n: number;
}

const isCount = (n: number) => Number.isInteger(n) && n >= 0;

function coupleRows(mix: readonly LinkMix[]): LinkMix[] {
  for (const row of mix) {
    if (!isCount(row.n)) throw new RangeError(`connection count must be a non-negative integer, got ${row.n}`);
  }
  return mix.filter((row) => row.relationship !== 'fellow_supplier');
}

export function connectionsOf(mix: readonly LinkMix[]): number {
  return coupleRows(mix).reduce((sum, row) => sum + row.n, 0);
}

/** Sum of strengths over the connections (= connections × avgStrength). */
function strengthSum(mix: readonly LinkMix[]): number {
  return coupleRows(mix).reduce((sum, row) => sum + row.n * linkStrength(row.relationship, row.status), 0);
}

/** Mean strength over the connections; 0 with none. */
export function avgStrength(mix: readonly LinkMix[]): number {
  const n = connectionsOf(mix);
  return n === 0 ? 0 : strengthSum(mix) / n;
}

/** 1 + 0.5 × e^(−days ÷ 30); 1 when there was never a success; a future date counts as now. */
export function recencyBoost(daysSinceLastSuccess: number | null): number {
  if (daysSinceLastSuccess === null) return 1;
  if (Number.isNaN(daysSinceLastSuccess)) throw new RangeError('days since last success is NaN');
  const days = Math.max(0, daysSinceLastSuccess);
  return 1 + RECENCY_HALF_BOOST * Math.exp(-days / RECENCY_DAYS);
}

export function connectorTier(score: number): ConnectorTier {
  if (score >= TIER_THRESHOLDS.platinum) return 'platinum';
  if (score >= TIER_THRESHOLDS.gold) return 'gold';
  if (score >= TIER_THRESHOLDS.silver) return 'silver';
  return 'bronze';
}

export interface ConnectorFacts {
  mix: readonly LinkMix[];
  /** Acceptances credited to the supplier. */
  successes: number;
  lastSuccessAt: Date | null;
}

export interface ConnectorScore {
  connections: number;
  avgStrength: number;
  successes: number;
  recencyBoost: number;
  score: number;
  /** null: fewer than 20 connections, not a super-connector. */
  tier: ConnectorTier | null;
}

const DAY_MS = 86_400_000;

export function scoreConnector(facts: ConnectorFacts, now: Date): ConnectorScore {
  if (!isCount(facts.successes)) {
    throw new RangeError(`successes must be a non-negative integer, got ${facts.successes}`);
  }
  const connections = connectionsOf(facts.mix);
  const strengths = strengthSum(facts.mix);
  const days = facts.lastSuccessAt === null ? null : (now.getTime() - facts.lastSuccessAt.getTime()) / DAY_MS;
  const boost = recencyBoost(days);
  // From the sum of strengths rather than connections × mean, so that adding a connection or
  // a success never lowers the score, not even by a rounding error.
  const score = strengths * (1 + facts.successes * SUCCESS_BONUS) * boost;
  return {
    connections,
    avgStrength: connections === 0 ? 0 : strengths / connections,
    successes: facts.successes,
    recencyBoost: boost,
    score,
    tier: connections < SUPER_CONNECTOR_MIN_CONNECTIONS ? null : connectorTier(score),
  };
}
