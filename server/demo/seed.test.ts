/**
 * The demo data's fixed facts (DESIGN §8), read back from the database the way the screens read
 * them: the Ritz is a gold super-connector by the shared score, the demo couple was referred by
 * the Ritz and booked, the photographer is an ordinary supplier, the platform's K over 30 days is
 * about 1.3, and the counters the trigger kept while the demo was written match the raw rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreConnector, type LinkMix } from '../../shared/analytics/superConnector';
import { channels, contactProblem } from '../../shared/invitation';
import { utcDay, viralCoefficient, windowEnding } from '../../shared/viral';
import { freshDb, type TestDb } from '../test/databases';
import { invitedOf, readBreakdown, readWindow } from '../viral/kCounters';
import { checkDrift } from '../viral/kRebuild';
import { DEFAULT_SUPPLIERS, planDemo, variants } from './plan';
import { DEFAULT_SEED, seedDemo, type SeedSummary } from './seed';

const DAY = 86_400_000;
const now = new Date();
let t: TestDb;
let summary: SeedSummary;
beforeAll(async () => {
  t = await freshDb();
  summary = await seedDemo(t.db, { now });
});
afterAll(() => t?.drop());

/** A supplier's standing as the super-connector job computes it: connector tables → shared score. */
async function standing(supplierId: string) {
  const mix = await t.db.query<LinkMix>(`SELECT relationship, status, n FROM connector_mix WHERE supplier_id = $1 AND n > 0`, [supplierId]);
  const [stats] = await t.db.query<{ connections: number; last_success_at: Date | null; tier: string | null }>(
    `SELECT connections, last_success_at, tier FROM connector_stats WHERE supplier_id = $1`,
    [supplierId],
  );
  const successes = mix.filter((m) => m.status === 'accepted' && m.relationship !== 'fellow_supplier').reduce((s, m) => s + m.n, 0);
  return { stats, score: scoreConnector({ mix, successes, lastSuccessAt: stats?.last_success_at ?? null }, now) };
}

describe(`demo data (${DEFAULT_SUPPLIERS} suppliers, seed ${DEFAULT_SEED})`, () => {
  it('the Ritz is a gold super-connector: about 100–120 couple connections, 50+ accepted, one acceptance in the last day', async () => {
    const { stats, score } = await standing('u-ritz');
    expect(score.connections).toBeGreaterThanOrEqual(100);
    expect(score.connections).toBeLessThanOrEqual(120);
    expect(stats!.connections).toBe(score.connections);
    expect(score.successes).toBeGreaterThanOrEqual(50);
    expect(now.getTime() - stats!.last_success_at!.getTime()).toBeLessThan(DAY);
    expect(score.tier).toBe('gold');
    expect(stats!.tier).toBe('gold');
    // Every acceptance of a couple the Ritz invited made the Ritz their referrer.
    const [referred] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE referred_by = 'u-ritz'`);
    expect(referred!.n).toBe(score.successes);
  });

  it('the demo couple was referred by the Ritz through an accepted invitation, has a booking, and referred friends of their own', async () => {
    const [couple] = await t.db.query<{ referred_by: string; status: string; inviter_id: string }>(
      `SELECT u.referred_by, i.status, i.inviter_id FROM users u JOIN invitations i ON i.id = u.referral_invitation_id WHERE u.id = 'u-couple'`,
    );
    expect(couple).toEqual({ referred_by: 'u-ritz', status: 'accepted', inviter_id: 'u-ritz' });
    const bookings = await t.db.query<{ amount_cents: number }>(`SELECT amount_cents FROM bookings WHERE couple_id = 'u-couple'`);
    expect(bookings.length).toBe(1);
    // Two friends below the couple, one friend below one of them: a chain of depth 3 from the Ritz.
    const below = await t.db.query<{ depth: number }>(
      `WITH RECURSIVE down (id, depth) AS (SELECT 'u-couple'::text, 0 UNION ALL
         SELECT u.id, down.depth + 1 FROM users u JOIN down ON u.referred_by = down.id)
       SELECT depth FROM down WHERE depth > 0`,
    );
    expect(below.map((r) => r.depth).sort()).toEqual([1, 1, 2]);
  });

  it('the photographer is an ordinary supplier: a dozen or so invitations, no tier', async () => {
    const { stats, score } = await standing('u-photo');
    expect(score.connections).toBeGreaterThan(0);
    expect(score.tier).toBeNull();
    expect(stats!.tier).toBeNull();
  });

  it('the platform K over 30 days is about 1.3 (accepted ÷ distinct inviters, from the counters)', async () => {
    const w = await readWindow(t.db, 'all', '', windowEnding(utcDay(now), 30));
    const { k } = viralCoefficient({ invited: invitedOf(w), accepted: w.accepted, inviters: w.inviters });
    expect(k).toBeGreaterThanOrEqual(1.1);
    expect(k).toBeLessThanOrEqual(1.6);
  });

  it('the counters the trigger kept while the demo was written match the raw rows (no drift)', async () => {
    const drift = await checkDrift(t.db);
    expect(drift.differences).toEqual(Object.fromEntries(Object.keys(drift.differences).map((table) => [table, 0])));
    expect(drift.total).toBe(0);
  });

  it('looks like a platform: 90 days of invitations on every channel and variant, chains three deep, bookings of $800–$15,000, a few super-connectors', async () => {
    const window90 = windowEnding(utcDay(now), 90);
    expect((await readBreakdown(t.db, 'channel', window90)).map((r) => r.val)).toEqual([...channels]);
    expect((await readBreakdown(t.db, 'variant', window90)).map((r) => r.val)).toEqual([...variants]);
    expect((await readBreakdown(t.db, 'actor', window90)).map((r) => r.val)).toEqual(['couple', 'supplier']);
    const [span] = await t.db.query<{ days: number; invitations: number }>(
      `SELECT (extract(epoch FROM max(counted_at) - min(counted_at)) / 86400)::int AS days, count(*)::int AS invitations FROM invitations`,
    );
    expect(span).toEqual({ days: expect.any(Number), invitations: summary.invitations });
    expect(span!.days).toBeGreaterThanOrEqual(85);
    const [chains] = await t.db.query<{ depth: number }>(
      `WITH RECURSIVE d (id, depth) AS (SELECT id, 0 FROM users WHERE referred_by IS NULL
         UNION ALL SELECT u.id, d.depth + 1 FROM users u JOIN d ON u.referred_by = d.id)
       SELECT max(depth)::int AS depth FROM d`,
    );
    expect(chains!.depth).toBe(3);
    const [b] = await t.db.query<{ n: number; min: number; max: number; referred: number }>(
      `SELECT count(*)::int AS n, min(amount_cents)::int AS min, max(amount_cents)::int AS max,
              count(*) FILTER (WHERE u.referred_by IS NOT NULL)::int AS referred
         FROM bookings b JOIN users u ON u.id = b.couple_id`,
    );
    expect(b!.n).toBe(summary.bookings);
    expect(b!.min).toBeGreaterThanOrEqual(800_00);
    expect(b!.max).toBeLessThanOrEqual(15_000_00);
    expect(b!.referred).toBeGreaterThan(b!.n / 2);
    const tiers = await t.db.query<{ tier: string }>(`SELECT tier FROM connector_stats WHERE tier IS NOT NULL`);
    expect(tiers.length).toBeGreaterThanOrEqual(3);
    expect(tiers.length).toBeLessThan(summary.suppliers / 10);
  });
});

describe('the demo plan', () => {
  it('is the same for the same seed and time, ids included, and differs for another seed', () => {
    const at = new Date('2026-06-30T09:30:00Z');
    const a = planDemo({ suppliers: 20, seed: 7, now: at });
    expect(planDemo({ suppliers: 20, seed: 7, now: at })).toEqual(a);
    expect(planDemo({ suppliers: 20, seed: 8, now: at }).invitations.map((i) => i.id)).not.toEqual(a.invitations.map((i) => i.id));
  });

  it('keeps the fixed facts at the small sizes tests and benchmarks use', () => {
    for (const suppliers of [0, 2, 20]) {
      const plan = planDemo({ suppliers, seed: 3 });
      const ritz = plan.invitations.filter((i) => i.inviterId === 'u-ritz' && i.relationship !== 'fellow_supplier');
      expect(new Set(ritz.map((i) => i.recipientEmail)).size).toBeGreaterThanOrEqual(100);
      expect(ritz.filter((i) => i.status === 'accepted').length).toBeGreaterThanOrEqual(50);
      expect(plan.invitations.some((i) => i.inviterId === 'u-ritz' && i.recipientEmail === 'couple@demo.plusone' && i.status === 'accepted')).toBe(true);
      expect(plan.bookings.some((b) => b.coupleId === 'u-couple')).toBe(true);
    }
  });

  it('never plans an acceptance in the future, or an invitation older than 90 days', () => {
    const at = new Date();
    const plan = planDemo({ suppliers: 50, seed: 11, now: at });
    for (const i of plan.invitations) {
      expect(i.countedAt.getTime()).toBeLessThanOrEqual(at.getTime());
      expect(i.countedAt.getTime()).toBeGreaterThanOrEqual(at.getTime() - 90 * DAY);
      if (i.status === 'accepted') expect(i.acceptedAt!.getTime()).toBeLessThanOrEqual(at.getTime());
      else expect(i.acceptedAt).toBeUndefined();
    }
    const users = new Map(plan.users.map((u) => [u.email, u]));
    expect(users.size).toBe(plan.users.length);
    // Each could go out on its channel (an SMS or WhatsApp invitation has a phone number).
    expect(plan.invitations.filter((i) => contactProblem({ channel: i.channel, recipientPhone: i.recipientPhone ?? null }) !== null)).toEqual([]);
  });
});
