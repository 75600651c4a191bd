/**
 * Small-count suppression where aggregates leave the server (DESIGN §6): the platform K over
 * fewer than 5 inviters (GET, snapshot, coefficient.updated webhook), a single breakdown value
 * whose figures, with the platform's, would give away a hidden one (complement), and
 * experiment results. Each of these showed figures before the fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnapshot } from '../../shared/analytics/snapshots';
import type { MetricsDoc } from '../../shared/metrics';
import { addUser, countRows, pullAll, TEST_PASSWORD } from '../test/fixtures';
import { startTestServer, type ApiClient, type TestServer } from '../test/server';
import { createLogger } from '../log';
import { coefficientFeed } from '../webhooks/coefficient';
import { addOldInvitations, type OldInvitation } from './privacyFixtures';

let server: TestServer;
let owner: ApiClient;

/** `n` new suppliers, each with one invitation made yesterday (accepted when asked). */
async function inviters(prefix: string, n: number, invitation: Partial<OldInvitation> = {}) {
  for (let i = 0; i < n; i++) {
    const id = `${prefix}-${i}`;
    await addUser(server.testDb.db, { id, email: `${id}@sup.test`, role: 'supplier' });
    await addOldInvitations(server.testDb.db, [{ inviterId: id, recipientEmail: `guest-${id}@sup.test`, daysAgo: 1, ...invitation }]);
  }
}

async function platform30() {
  await server.plusone.metrics.settle();
  await server.plusone.metrics.refresh();
  const docs = (await pullAll<MetricsDoc>(owner, 'metrics')).documents;
  return docs.find((d) => d.id === 'platform:30')!;
}

beforeAll(async () => {
  server = await startTestServer({ demo: false });
  await addUser(server.testDb.db, { id: 'u-owner', email: 'owner@sup.test', role: 'owner' });
  owner = await server.as('owner@sup.test', TEST_PASSWORD);
});
afterAll(() => server?.close());

describe('the platform K over fewer than 5 inviters', () => {
  it('is suppressed in GET /api/viral/coefficient, in the snapshot and in coefficient.updated; with 5 it shows', async () => {
    const hook = await owner.post('/api/webhooks/endpoints', { url: 'http://127.0.0.1:9/k', eventTypes: ['coefficient.updated'], segmentIds: null, description: 'K' });
    expect(hook.status).toBe(201);
    await inviters('few', 4, { status: 'accepted' });
    const res = await owner.get('/api/viral/coefficient?windowDays=30');
    expect(res.body).toEqual({ k: null, inviters: null, sent: null, accepted: null, status: null, windowDays: 30, computedAt: expect.any(String), suppressed: true });
    const doc = await platform30();
    const snapshot = readSnapshot('platform', doc)!;
    expect(snapshot).toMatchObject({ suppressed: true, k: null, inviters: null, sent: null, accepted: null, funnel: null, cycleDays: null });
    expect(snapshot.breakdowns.channel.every((s) => s.suppressed)).toBe(true);
    // The webhook feed queues nothing for it.
    const feed = coefficientFeed(server.testDb.db, createLogger('silent'), () => {});
    await feed([doc]);
    expect(await countRows(server.testDb.db, 'webhook_messages', "type = 'coefficient.updated'")).toBe(0);

    await inviters('fifth', 1);
    const shown = await owner.get('/api/viral/coefficient?windowDays=30');
    expect(shown.body).toEqual({ k: 0.8, inviters: 5, sent: 5, accepted: 4, status: 'critical', windowDays: 30, computedAt: expect.any(String) });
    const after = await platform30();
    expect(readSnapshot('platform', after)).toMatchObject({ suppressed: false, k: 0.8, inviters: 5 });
    await feed([after]);
    // The app's own feed (on each refresh) and ours both send it now; none ever carried fewer than 5.
    expect(await countRows(server.testDb.db, 'webhook_messages', "type = 'coefficient.updated' AND subject = 'platform:30'")).toBeGreaterThan(0);
    expect(await countRows(server.testDb.db, 'webhook_messages', "(data ->> 'inviters')::int < 5 OR data ->> 'k' IS NULL")).toBe(0);
  });
});

describe('one breakdown value asked for alone', () => {
  it('is suppressed when it is the complement of a small one: the platform total minus it would reveal the small value', async () => {
    // Inviters in the window: 5 by email so far, now 6 by SMS and 2 by WhatsApp (13 in all).
    await inviters('sms', 6, { channel: 'sms', recipientPhone: '+447911123456' });
    await inviters('wa', 2, { channel: 'whatsapp', recipientPhone: '+447911123456', status: 'accepted' });
    const get = async (q: string) => (await owner.get(`/api/viral/k?windowDays=30&${q}`)).body;
    expect(await get('dim=all')).toMatchObject({ suppressed: false, inviters: 13, invited: 13 });
    expect(await get('dim=channel&val=sms')).toMatchObject({ suppressed: false, inviters: 6, invited: 6 });
    expect(await get('dim=channel&val=whatsapp')).toMatchObject({ suppressed: true });
    // 13 − 6 − 5 = 2: showing email would give WhatsApp's figures away, so email (the smallest
    // shown) is hidden with it, though it has 5 inviters.
    const email = await get('dim=channel&val=email');
    expect(email).toMatchObject({ suppressed: true });
    expect(email.invited).toBeUndefined();
    // The snapshot's breakdown hides the same two, and a value with no invitations says nothing.
    const channel = readSnapshot('platform', await platform30())!.breakdowns.channel;
    expect(Object.fromEntries(channel.map((s) => [s.key, s.suppressed]))).toEqual({ email: true, sms: false, whatsapp: true });
    expect(await get('dim=variant&val=nobody')).toMatchObject({ suppressed: true });
  });
});

describe('experiment results', () => {
  it('show no figures for a variant under 5 inviters, nor for the one hidden beside it, nor a chance to beat a hidden control', async () => {
    // Email: control has every email inviter so far (5); variant_a gets 3 of its own.
    await inviters('exp-a', 3, { variant: 'variant_a' });
    const res = await owner.get('/api/experiments/email');
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(res.body.results.variants.map((v: { name: string }) => [v.name, v]));
    const hidden = { sends: null, acceptances: null, inviters: null, rate: null, rateLow: null, rateHigh: null, bookings: null, suppressed: true };
    expect(byName.variant_a).toMatchObject(hidden);
    // Control (5 inviters) is its complement: the email total minus control would be variant_a.
    expect(byName.control).toMatchObject(hidden);
    for (const v of res.body.results.variants) expect(v.chanceToBeatControl).toBeNull();
  });
});
