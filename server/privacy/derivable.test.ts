/**
 * Small counts that two shown figures would give away (issue 8 point 7, issue 6 point 6): the
 * attribution report's headline under 5 referred people and its direct/indirect split, a
 * referrer's own revenue by level, an experiment arm that a variant's total across channels
 * minus its shown arms would reveal, a weekly cohort that a window spanning whole weeks minus
 * the other weeks would reveal, and K over windows other than the published ones (two a day
 * apart, or a week ending on a Sunday). Each showed a figure over fewer than 5 people before
 * the fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { MetricsDoc } from '../../shared/metrics';
import { addUser, pullAll, TEST_PASSWORD } from '../test/fixtures';
import { startTestServer, type ApiClient, type TestServer } from '../test/server';
import { readAttributionReport, readUserAttribution } from '../viral/attribution';
import { readTrend } from '../viral/snapshots';
import { addOldInvitations } from './privacyFixtures';

let server: TestServer;
let owner: ApiClient;

beforeAll(async () => {
  server = await startTestServer({ demo: false });
  await addUser(server.testDb.db, { id: 'u-owner', email: 'owner@derive.test', role: 'owner' });
  owner = await server.as('owner@derive.test', TEST_PASSWORD);
});
afterAll(() => server?.close());

/** A couple referred by `referrer` who booked `dollars`. */
async function referredBooker(id: string, referrer: string, dollars: number) {
  await addUser(server.testDb.db, { id, email: `${id}@derive.test`, role: 'couple' });
  await server.testDb.db.query('UPDATE users SET referred_by = $2, referred_at = now() WHERE id = $1', [id, referrer]);
  await server.testDb.db.query('INSERT INTO bookings (id, couple_id, amount_cents, booked_at) VALUES ($1, $2, $3, now())', [uuidv7(), id, dollars * 100]);
}

describe('the attribution report', () => {
  it('hides the headline under 5 referred people; from 5, direct and indirect hide each other when either is under 5', async () => {
    await addUser(server.testDb.db, { id: 'u-root', email: 'root@derive.test', role: 'supplier' });
    for (let i = 0; i < 4; i++) await referredBooker(`c-direct-${i}`, 'u-root', 1000);
    expect(await readAttributionReport(server.testDb.db)).toMatchObject({ total: null, direct: null, indirect: null, referredPeople: null, suppressed: true });

    // 5 direct and nobody indirect: all shows (an empty part is about nobody and hides nothing).
    await referredBooker('c-direct-4', 'u-root', 1000);
    expect(await readAttributionReport(server.testDb.db)).toMatchObject({ total: 5000, referredPeople: 5, direct: 5000, indirect: 0, suppressed: false });
    // 5 direct and 1 indirect: the total shows, but total − direct would be the indirect one's booking.
    await referredBooker('c-indirect-0', 'c-direct-0', 700);
    const report = await readAttributionReport(server.testDb.db);
    expect(report).toMatchObject({ total: 5700, referredPeople: 6, suppressed: false, direct: null, indirect: null });

    for (let i = 1; i < 5; i++) await referredBooker(`c-indirect-${i}`, `c-direct-${i}`, 300);
    expect(await readAttributionReport(server.testDb.db)).toMatchObject({ total: 6900, referredPeople: 10, direct: 5000, indirect: 1900, suppressed: false });
  });
});

describe("a referrer's own referral revenue", () => {
  it('names everyone 3 levels down but shows no one’s own bookings, and no level figure from 1 to 4 bookers', async () => {
    await addUser(server.testDb.db, { id: 'trk-lead', email: 'trk-lead@derive.test', role: 'supplier', orgId: 'org-trk' });
    for (let i = 0; i < 5; i++) await referredBooker(`trk-a${i}`, 'trk-lead', 100);
    await referredBooker('trk-b0', 'trk-a0', 40);
    await referredBooker('trk-b1', 'trk-a0', 60);
    await referredBooker('trk-c0', 'trk-b0', 7);
    const before = await readUserAttribution(server.testDb.db, 'trk-lead');
    // 8 bookers: the total shows; 3 below level 1 would be total − direct, so direct hides too.
    expect(before.referredRevenue).toEqual({ people: 8, total: 607, direct: null, indirect: null, byLevel: [null, null, null], suppressed: false });
    const a0 = before.tree.children.find((c) => c.userId === 'trk-a0')!;
    // Five direct referrals' own bookings would add up to the hidden direct figure: none is shown.
    expect([a0.revenue, a0.children.map((c) => [c.name, c.revenue]), a0.children[0]!.children.map((c) => [c.name, c.revenue])]).toEqual([
      null,
      [['trk-b0', null], ['trk-b1', null]],
      [['trk-c0', null]],
    ]);

    // 5 at level 2 and 1 at level 3: direct and indirect show; the levels below do not (level 2 = indirect − level 3).
    for (let i = 2; i < 5; i++) await referredBooker(`trk-b${i}`, 'trk-a1', 10);
    expect((await readUserAttribution(server.testDb.db, 'trk-lead')).referredRevenue).toEqual({
      people: 11, total: 637, direct: 500, indirect: 137, byLevel: [500, null, null], suppressed: false,
    });
  });
});

describe('experiment arms beside the channel and variant totals', () => {
  it('an arm shown within its channel is hidden when its variant total minus it would give away a hidden arm of another channel', async () => {
    // Today (the starter experiments began today): email control 5 and variant_a 3; SMS 5 and 5.
    const arms: [string, string, number][] = [['email', 'control', 5], ['email', 'variant_a', 3], ['sms', 'control', 5], ['sms', 'variant_a', 5]];
    for (const [channel, variant, n] of arms) {
      for (let i = 0; i < n; i++) {
        const id = `${channel}-${variant}-${i}`;
        await addUser(server.testDb.db, { id, email: `${id}@derive.test`, role: 'supplier' });
        const phone = channel === 'sms' ? { recipientPhone: '+447911123456' } : {};
        await addOldInvitations(server.testDb.db, [{ inviterId: id, recipientEmail: `guest-${id}@derive.test`, daysAgo: 0, channel: channel as 'email' | 'sms', variant, ...phone }]);
      }
    }
    const k = async (q: string) => (await owner.get(`/api/viral/k?windowDays=7&${q}`)).body;
    // What anyone signed in can read: variant_a's total over both channels (8 inviters).
    expect(await k('dim=variant&val=variant_a')).toMatchObject({ suppressed: false, inviters: 8 });
    expect(await k('dim=channel&val=sms')).toMatchObject({ suppressed: false, inviters: 10 });
    // So SMS's variant_a (5) cannot show: 8 − 5 would be email's hidden 3. Nor can what would then
    // give it away in turn (SMS control beside the SMS total).
    expect(await k('dim=experiment&val=email:variant_a')).toMatchObject({ suppressed: true });
    expect(await k('dim=experiment&val=sms:variant_a')).toMatchObject({ suppressed: true });
    expect(await k('dim=experiment&val=sms:control')).toMatchObject({ suppressed: true });

    const sms = (await owner.get('/api/experiments/sms')).body.results;
    expect(sms.variants.map((v: { name: string; suppressed: boolean; inviters: number | null }) => [v.name, v.suppressed, v.inviters])).toEqual([
      ['control', true, null],
      ['variant_a', true, null],
    ]);
  });
});

describe('weekly cohorts beside the 30-day window', () => {
  it('on a Tuesday the 30-day window is this week and the 4 before: a small week there takes the smallest shown one with it', async () => {
    // Last week's Tuesday (all in the past, whatever today is), at noon.
    const today = new Date();
    const monday = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - ((today.getUTCDay() + 6) % 7)));
    const tuesday = new Date(monday.getTime() - 6 * 86_400_000 + 12 * 3_600_000);
    // This week (Monday–Tuesday): 3 inviters; the 4 weeks before: 5, 6, 7 and 8.
    const perWeek = [8, 7, 6, 5, 3];
    for (const [w, n] of perWeek.entries()) {
      for (let i = 0; i < n; i++) {
        const id = `week${w}-${i}`;
        await addUser(server.testDb.db, { id, email: `${id}@derive.test`, role: 'supplier' });
        const daysAgo = 7 * (perWeek.length - 1 - w); // that week's Tuesday
        await addOldInvitations(server.testDb.db, [{ inviterId: id, recipientEmail: `guest-${id}@derive.test`, daysAgo }], tuesday);
      }
    }
    const trend = await readTrend(server.testDb.db, tuesday);
    const last = trend.slice(-5).map((t) => [t.inviters, t.suppressed]);
    // 30-day total (29) minus 8, 7, 6 and 5 would be this week's 3: the 5 is hidden with it.
    expect(last).toEqual([[8, false], [7, false], [6, false], [null, true], [null, true]]);
  });
  it('GET /api/viral/k will not give that week as a 7-day window ending on its Sunday: only windows ending today are published', async () => {
    const today = new Date();
    const monday = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - ((today.getUTCDay() + 6) % 7)));
    // The week of 5 hidden above as the complement: the one before last, Monday to Sunday.
    const sunday = new Date(monday.getTime() - 8 * 86_400_000).toISOString().slice(0, 10);
    const res = await owner.get(`/api/viral/k?windowDays=7&end=${sunday}`);
    expect([res.status, res.body.error?.code, res.body.inviters]).toEqual([400, 'INVALID_INPUT', undefined]);
    expect(res.body.error.message).toBe('end: K is published only for windows ending today: leave out end');
  });
});

describe('super-connector counts per tier', () => {
  it('reach the owner alone (who sees the leaderboard by name), never a supplier, couple or coordinator', async () => {
    await server.plusone.metrics.refresh();
    const ids = async (client: ApiClient) => (await pullAll<MetricsDoc>(client, 'metrics')).documents.map((d) => d.id);
    expect(await ids(owner)).toContain('connectors');
    for (const role of ['supplier', 'couple', 'coordinator'] as const) {
      await addUser(server.testDb.db, { id: `u-${role}`, email: `${role}@derive.test`, role, orgId: role === 'couple' ? null : `org-${role}` });
      expect(await ids(await server.as(`${role}@derive.test`, TEST_PASSWORD)), role).not.toContain('connectors');
    }
  });
});

describe('K over the published windows only', () => {
  it('two windows a day apart are not both answered (their difference is one day, here one person)', async () => {
    // One person invites, alone, 7 days ago: in an 8-day window, not in the 7-day one. Both
    // windows have 5 inviters and more (the arms above invited today).
    await addUser(server.testDb.db, { id: 'lone', email: 'lone@derive.test', role: 'supplier' });
    await addOldInvitations(server.testDb.db, [1, 2, 3].map((n) => ({ inviterId: 'lone', recipientEmail: `lone-${n}@derive.test`, daysAgo: 7 })));
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    for (const q of ['windowDays=8', 'windowDays=1', 'windowDays=6', `windowDays=7&end=${yesterday}`]) {
      const res = await owner.get(`/api/viral/k?${q}`);
      expect([res.status, res.body.error?.code], q).toEqual([400, 'INVALID_INPUT']);
      expect(res.body.error.message, q).toMatch(/^(windowDays: must be one of 7, 30, 90 \(days ending today\)|end: K is published only for windows ending today: leave out end)$/);
    }
    for (const days of [7, 30, 90]) {
      const res = await owner.get(`/api/viral/k?windowDays=${days}`);
      expect([res.status, res.body.end], String(days)).toEqual([200, new Date().toISOString().slice(0, 10)]);
    }
  });
});
