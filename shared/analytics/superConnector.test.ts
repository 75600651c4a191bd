import { describe, expect, it } from 'vitest';
import { invitationStatuses, relationships, type InvitationStatus } from '../invitation';
import { createRng, type Rng } from '../random';
import {
  SUPER_CONNECTOR_MIN_CONNECTIONS,
  TIER_THRESHOLDS,
  avgStrength,
  connectionsOf,
  connectorTier,
  connectorTiers,
  interactionWeight,
  linkStrength,
  recencyBoost,
  relationshipWeight,
  scoreConnector,
  tierLabel,
  type ConnectorFacts,
  type LinkMix,
} from './superConnector';

/** Seed for the randomized checks: `SEED=123 npx vitest run shared/analytics` reruns one. */
const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
const DAY = 86_400_000;
const now = new Date('2026-06-01T12:00:00Z');

function randomMix(rng: Rng): LinkMix[] {
  return Array.from({ length: rng.int(0, 8) }, () => ({
    relationship: rng.pick(relationships),
    status: rng.pick(invitationStatuses),
    n: rng.int(0, 60),
  }));
}

function randomFacts(rng: Rng): ConnectorFacts {
  return {
    mix: randomMix(rng),
    successes: rng.int(0, 200),
    lastSuccessAt: rng.chance(0.2) ? null : new Date(now.getTime() - rng.int(-3, 400) * DAY * rng.next()),
  };
}

function forEachRandom(label: string, offset: number, runs: number, check: (rng: Rng, facts: ConnectorFacts) => void) {
  const rng = createRng(seed + offset);
  for (let run = 0; run < runs; run++) {
    const facts = randomFacts(rng);
    try {
      check(rng, facts);
    } catch (err) {
      throw new Error(`${label} failed for ${JSON.stringify(facts)} (run ${run}; rerun with SEED=${seed}): ${String(err)}`);
    }
  }
}

describe('super-connector score', () => {
  it('is connections × avgStrength × (1 + successes × 0.1) × recencyBoost, with strengths in [0, 1]', () => {
    forEachRandom('formula', 0, 1000, (_rng, facts) => {
      const s = scoreConnector(facts, now);
      expect(s.connections).toBe(connectionsOf(facts.mix));
      expect(s.avgStrength).toBeCloseTo(avgStrength(facts.mix), 12);
      expect(s.avgStrength).toBeGreaterThanOrEqual(0);
      expect(s.avgStrength).toBeLessThanOrEqual(1);
      expect(s.recencyBoost).toBeGreaterThanOrEqual(1);
      expect(s.recencyBoost).toBeLessThanOrEqual(1.5);
      expect(s.score).toBeCloseTo(s.connections * s.avgStrength * (1 + s.successes * 0.1) * s.recencyBoost, 6);
      expect(s.tier).toBe(s.connections < 20 ? null : connectorTier(s.score));
    });
  });

  it('more successes never lower the score', () => {
    forEachRandom('successes', 1, 1000, (rng, facts) => {
      const more = { ...facts, successes: facts.successes + rng.int(1, 50) };
      expect(scoreConnector(more, now).score).toBeGreaterThanOrEqual(scoreConnector(facts, now).score);
    });
  });

  it('a more recent last success never lowers the score, and a first success never does', () => {
    forEachRandom('recency', 2, 1000, (rng, facts) => {
      const base = scoreConnector(facts, now).score;
      const last = facts.lastSuccessAt ?? new Date(now.getTime() - 1000 * DAY);
      const sooner = { ...facts, lastSuccessAt: new Date(last.getTime() + rng.int(0, 100) * DAY) };
      expect(scoreConnector(sooner, now).score).toBeGreaterThanOrEqual(base);
    });
  });

  it('a new couple connection, or a connection whose invitation moves forward, never lowers the score', () => {
    const forward: InvitationStatus[] = ['queued', 'sent', 'delivered', 'opened', 'accepted'];
    forEachRandom('connections', 3, 1000, (rng, facts) => {
      const base = scoreConnector(facts, now).score;
      const added = { ...facts, mix: [...facts.mix, { relationship: rng.pick(relationships), status: rng.pick(invitationStatuses), n: rng.int(1, 10) }] };
      expect(scoreConnector(added, now).score).toBeGreaterThanOrEqual(base);
      // Move one connection a step forward on the chain (queued → … → accepted).
      const i = rng.int(0, forward.length - 2);
      const relationship = rng.pick(relationships);
      const before = { ...facts, mix: [...facts.mix, { relationship, status: forward[i]!, n: 1 }] };
      const after = { ...facts, mix: [...facts.mix, { relationship, status: forward[i + 1]!, n: 1 }] };
      expect(scoreConnector(after, now).score).toBeGreaterThanOrEqual(scoreConnector(before, now).score);
    });
  });

  it('fellow suppliers are never couple connections and add nothing', () => {
    forEachRandom('fellow', 4, 500, (rng, facts) => {
      const plus = { ...facts, mix: [...facts.mix, { relationship: 'fellow_supplier' as const, status: rng.pick(invitationStatuses), n: rng.int(1, 100) }] };
      expect(scoreConnector(plus, now)).toEqual(scoreConnector(facts, now));
    });
    expect(connectionsOf([{ relationship: 'fellow_supplier', status: 'accepted', n: 500 }])).toBe(0);
  });

  it('a worked example: 110 connections, mostly past clients, 60 successes, last 2 days ago → gold', () => {
    const facts: ConnectorFacts = {
      mix: [
        { relationship: 'past_client', status: 'accepted', n: 50 }, // strength 1     → 50
        { relationship: 'past_client', status: 'delivered', n: 40 }, // 0.5 + 0.15   → 26
        { relationship: 'other', status: 'sent', n: 20 }, //            0.25 + 0.1   → 7
        { relationship: 'fellow_supplier', status: 'accepted', n: 6 }, // not a couple: ignored
      ],
      successes: 60,
      lastSuccessAt: new Date(now.getTime() - 2 * DAY),
    };
    // 83 ÷ 110 = 0.7545; 1 + 60 × 0.1 = 7; 1 + 0.5 e^(−2/30) = 1.46775; 83 × 7 × 1.46775 = 852.76
    const s = scoreConnector(facts, now);
    expect(s.connections).toBe(110);
    expect(s.avgStrength).toBeCloseTo(83 / 110, 12);
    expect(s.recencyBoost).toBeCloseTo(1.46775, 5);
    expect(s.score).toBeCloseTo(852.76, 2);
    expect(s.tier).toBe('gold');
    expect(tierLabel(s.tier!)).toBe('Gold');
  });

  it('tiers start exactly at 200, 500 and 1000', () => {
    expect(TIER_THRESHOLDS).toEqual({ platinum: 1000, gold: 500, silver: 200 });
    expect(connectorTier(1000)).toBe('platinum');
    expect(connectorTier(999.9999)).toBe('gold');
    expect(connectorTier(500)).toBe('gold');
    expect(connectorTier(499.9999)).toBe('silver');
    expect(connectorTier(200)).toBe('silver');
    expect(connectorTier(199.9999)).toBe('bronze');
    expect(connectorTier(0)).toBe('bronze');
    expect(connectorTiers.map(tierLabel)).toEqual(['Platinum', 'Gold', 'Silver', 'Bronze']);
  });

  it('fewer than 20 connections is no tier, however high the score; 20 is a tier', () => {
    expect(SUPER_CONNECTOR_MIN_CONNECTIONS).toBe(20);
    const facts = (n: number): ConnectorFacts => ({
      mix: [{ relationship: 'past_client', status: 'accepted', n }],
      successes: 1000,
      lastSuccessAt: now,
    });
    expect(scoreConnector(facts(19), now)).toMatchObject({ connections: 19, tier: null });
    expect(scoreConnector(facts(19), now).score).toBeGreaterThan(1000);
    expect(scoreConnector(facts(20), now)).toMatchObject({ connections: 20, tier: 'platinum' });
    const quiet: ConnectorFacts = { mix: [{ relationship: 'other', status: 'queued', n: 20 }], successes: 0, lastSuccessAt: null };
    expect(scoreConnector(quiet, now)).toMatchObject({ score: 6, tier: 'bronze', recencyBoost: 1 });
  });

  it('link strength is half relationship, half interaction, from the documented tables', () => {
    expect(relationshipWeight).toEqual({ past_client: 1, friend_family: 0.8, other: 0.5, fellow_supplier: 0 });
    expect(interactionWeight).toEqual({ queued: 0.1, sent: 0.2, delivered: 0.3, opened: 0.6, accepted: 1, declined: 0.4, cancelled: 0 });
    expect(linkStrength('past_client', 'accepted')).toBe(1);
    expect(linkStrength('friend_family', 'opened')).toBeCloseTo(0.7, 12);
    expect(linkStrength('other', 'cancelled')).toBe(0.25);
    expect(avgStrength([])).toBe(0);
    expect(avgStrength([{ relationship: 'past_client', status: 'accepted', n: 3 }, { relationship: 'other', status: 'cancelled', n: 1 }])).toBeCloseTo(0.8125, 12);
  });

  it('recency boost: 1.5 today, 1 + 0.5/e after 30 days, 1 with no success, the future counts as today', () => {
    expect(recencyBoost(0)).toBe(1.5);
    expect(recencyBoost(30)).toBeCloseTo(1 + 0.5 / Math.E, 12);
    expect(recencyBoost(null)).toBe(1);
    expect(recencyBoost(-5)).toBe(1.5);
    expect(recencyBoost(10_000)).toBeCloseTo(1, 12);
    expect(() => recencyBoost(Number.NaN)).toThrow(RangeError);
  });

  it('bad counts throw instead of scoring NaN', () => {
    expect(() => connectionsOf([{ relationship: 'other', status: 'sent', n: -1 }])).toThrow(RangeError);
    expect(() => avgStrength([{ relationship: 'other', status: 'sent', n: 1.5 }])).toThrow(RangeError);
    expect(() => scoreConnector({ mix: [], successes: -1, lastSuccessAt: null }, now)).toThrow(RangeError);
  });
});
