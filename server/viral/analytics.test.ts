import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { readSnapshot } from '../../shared/analytics/snapshots';
import type { ClientEvent } from '../../shared/events';
import type { MetricsDoc } from '../../shared/metrics';
import type { ViralEventDoc } from '../../shared/events';
import { addUser, nextEvent, pullAll, TEST_PASSWORD } from '../test/fixtures';
import { newInvitation, startTestServer, type ApiClient, type TestServer } from '../test/server';

let server: TestServer;
let owner: ApiClient;
let star: ApiClient;
let bride: ApiClient;

const accept = (invitationId: string): ClientEvent => ({
  id: uuidv7(),
  type: 'invitation.accepted',
  invitationId,
  capturedAt: new Date().toISOString(),
  deviceId: 'test-device',
});

/** `n` suppliers each sending one invitation (to reach 5 inviters where privacy asks for it). */
async function addInviters(prefix: string, n: number, overrides: Parameters<typeof newInvitation>[1] = {}) {
  for (let i = 0; i < n; i++) {
    const id = `${prefix}-${i}`;
    await addUser(server.testDb.db, { id, email: `${id}@test.plusone`, role: 'supplier', orgId: `org-${id}` });
    const client = await server.as(`${id}@test.plusone`, TEST_PASSWORD);
    expect((await client.push('invitations', [{ newDocumentState: newInvitation(id, overrides) }])).body.results[0].outcome).toBe('applied');
  }
}

async function snapshot<K extends 'platform' | 'user' | 'attribution' | 'connectors'>(client: ApiClient, kind: K, id: string) {
  await server.plusone.metrics.settle();
  await server.plusone.metrics.refresh();
  const { documents } = await pullAll<MetricsDoc>(client, 'metrics');
  return readSnapshot(kind, documents.find((d) => d.id === id));
}

beforeAll(async () => {
  server = await startTestServer({ demo: false });
  const db = server.testDb.db;
  await addUser(db, { id: 'u-owner', email: 'owner@test.plusone', role: 'owner' });
  await addUser(db, { id: 'u-star', email: 'star@test.plusone', role: 'supplier', orgId: 'org-star' });
  await addUser(db, { id: 'u-bride', email: 'bride@test.plusone', role: 'couple' });
  [owner, star, bride] = await Promise.all([
    server.as('owner@test.plusone', TEST_PASSWORD),
    server.as('star@test.plusone', TEST_PASSWORD),
    server.as('bride@test.plusone', TEST_PASSWORD),
  ]);
});
afterAll(() => server?.close());

describe('super-connectors', () => {
  it('a supplier reaching 20 couple connections becomes a super-connector: one connector.tier_changed event, their tier on their snapshot, a leaderboard row for the owner', async () => {
    const rows = Array.from({ length: 19 }, (_, i) => ({ newDocumentState: newInvitation('u-star', { recipientEmail: `couple${i}@x.test` }) }));
    // Fellow suppliers are not couple connections: they never count toward the 20.
    rows.push({ newDocumentState: newInvitation('u-star', { recipientEmail: 'florist@x.test', relationship: 'fellow_supplier' }) });
    await star.push('invitations', rows);
    expect((await snapshot(star, 'user', 'user:u-star'))!.connector).toMatchObject({ tier: null, connections: 19 });

    const { checkpoint } = await pullAll<ViralEventDoc>(star, 'viral_events');
    await star.push('invitations', [{ newDocumentState: newInvitation('u-star', { recipientEmail: 'bride@test.plusone' }) }]);
    await server.plusone.metrics.settle();
    const events = (await pullAll<ViralEventDoc>(star, 'viral_events', checkpoint)).documents.filter((e) => e.type === 'connector.tier_changed');
    expect(events).toEqual([expect.objectContaining({ actorId: 'u-star', data: expect.objectContaining({ from: null, to: 'bronze', connections: 20 }) })]);
    expect((await snapshot(star, 'user', 'user:u-star'))!.connector).toMatchObject({ tier: 'bronze', connections: 20 });

    const board = (await snapshot(owner, 'connectors', 'connectors'))!;
    expect(board.leaderboard.map((e) => [e.userId, e.tier, e.connections])).toEqual([['u-star', 'bronze', 20]]);
    expect(board.byTier).toEqual({ platinum: 0, gold: 0, silver: 0, bronze: 1 });
    // Another push with no change of tier records no new event.
    const again = (await pullAll<ViralEventDoc>(star, 'viral_events')).checkpoint;
    await star.push('invitations', [{ newDocumentState: newInvitation('u-star', { recipientEmail: 'couple0@x.test' }) }]);
    await server.plusone.metrics.settle();
    expect((await pullAll<ViralEventDoc>(star, 'viral_events', again)).documents.filter((e) => e.type === 'connector.tier_changed')).toEqual([]);
  });
});

describe('attribution', () => {
  it('accepting makes the inviter the referrer: the couple sees who (by tier) at depth 1, the referrer sees them in their tree, never what one person booked', async () => {
    const { documents } = await pullAll(bride, 'invitations');
    const invitation = documents.find((d) => d.inviterId === 'u-star' && d.recipientEmail === 'bride@test.plusone')!;
    expect((await bride.push('viral_events', [{ newDocumentState: accept(invitation.id) }])).body.results[0].outcome).toBe('applied');
    const [row] = await server.testDb.db.query<{ referred_by: string; referral_invitation_id: string }>(
      "SELECT referred_by, referral_invitation_id FROM users WHERE id = 'u-bride'",
    );
    expect(row).toEqual({ referred_by: 'u-star', referral_invitation_id: invitation.id });
    // The attribution is an event, which the referred person and the referrer pull.
    for (const client of [bride, star]) {
      const events = (await pullAll<ViralEventDoc>(client, 'viral_events')).documents.filter((e) => e.type === 'referral.attributed');
      expect(events).toEqual([expect.objectContaining({ actorId: 'u-bride', inviterId: 'u-star', invitationId: invitation.id, data: expect.objectContaining({ channel: 'email' }) })]);
    }

    await server.testDb.db.query(
      "INSERT INTO bookings (id, couple_id, supplier_id, amount_cents, booked_at) VALUES ($1, 'u-bride', 'u-star', 450000, now())",
      [uuidv7()],
    );
    server.plusone.metrics.markDirty({ userIds: ['u-bride'] });
    const mine = (await snapshot(bride, 'user', 'user:u-bride'))!;
    expect(mine).toMatchObject({ chainDepth: 1, referredBy: { userId: 'u-star', tier: 'bronze' } });
    const theirs = (await snapshot(star, 'user', 'user:u-star'))!;
    // The tree names her but not what she booked (a figure about one person), and with one
    // booker the revenue figures are over fewer than 5 people.
    expect(theirs.tree.children.map((c) => [c.userId, c.revenue])).toEqual([['u-bride', null]]);
    expect(theirs.referredRevenue).toMatchObject({ total: null, direct: null, indirect: null, suppressed: true });
    expect(theirs.connector).toMatchObject({ successes: 1 });
  });

  it('the bride inviting a friend who accepts makes a chain of depth 2; an acceptance never closes a loop back up the chain', async () => {
    await addUser(server.testDb.db, { id: 'u-friend', email: 'friend@test.plusone', role: 'couple' });
    const friend = await server.as('friend@test.plusone', TEST_PASSWORD);
    const toFriend = newInvitation('u-bride', { recipientEmail: 'friend@test.plusone' });
    const toStar = newInvitation('u-bride', { recipientEmail: 'star@test.plusone' });
    await bride.push('invitations', [{ newDocumentState: toFriend }, { newDocumentState: toStar }]);
    await friend.push('viral_events', [{ newDocumentState: accept(toFriend.id) }]);
    expect((await star.push('viral_events', [{ newDocumentState: accept(toStar.id) }])).body.results[0].outcome).toBe('applied');

    const refs = await server.testDb.db.query<{ id: string; referred_by: string | null }>(
      "SELECT id, referred_by FROM users WHERE id IN ('u-star', 'u-bride', 'u-friend') ORDER BY id",
    );
    expect(refs).toEqual([
      { id: 'u-bride', referred_by: 'u-star' },
      { id: 'u-friend', referred_by: 'u-bride' },
      { id: 'u-star', referred_by: null }, // star accepted the bride's invitation, but is up her chain
    ]);
    expect((await snapshot(friend, 'user', 'user:u-friend'))!).toMatchObject({ chainDepth: 2, referredBy: { userId: 'u-bride', name: 'u-bride', tier: null } });
    const tree = (await snapshot(star, 'user', 'user:u-star'))!.tree;
    expect(tree.children[0]!.children.map((c) => c.userId)).toEqual(['u-friend']);
  });

  it("the owner's report counts referred revenue, and a breakdown over fewer than 5 people is suppressed", async () => {
    const report = (await snapshot(owner, 'attribution', 'attribution'))!;
    // One referred person booked: the headline is an aggregate over fewer than 5 people, hidden too.
    expect(report).toMatchObject({ total: null, direct: null, indirect: null, referredPeople: null, suppressed: true });
    expect(report.byChannel).toEqual([{ key: 'email', label: 'Email', people: null, revenue: null, suppressed: true }]);
    // Neither the supplier nor the couple can pull the owner's snapshots.
    for (const client of [star, bride]) {
      const ids = (await pullAll<MetricsDoc>(client, 'metrics')).documents.map((d) => d.id);
      expect(ids.filter((id) => !id.startsWith('platform:')).sort()).toEqual(['experiments', `user:${client === star ? 'u-star' : 'u-bride'}`]);
    }
  });
});

describe('privacy in K breakdowns', () => {
  it('a slice over fewer than 5 inviters is suppressed, and so is its complement; with 5 or more it shows figures with an interval', async () => {
    // Inviters so far: star and bride, both by email. Four SMS suppliers and one WhatsApp supplier.
    await addInviters('sms', 4, { channel: 'sms', recipientPhone: '+447911123456' });
    await addInviters('wa', 1, { channel: 'whatsapp', recipientPhone: '+447911123456' });
    const platform = (await snapshot(star, 'platform', 'platform:30'))!;
    const byKey = Object.fromEntries(platform.breakdowns.channel.map((s) => [s.key, s]));
    expect(byKey.sms).toMatchObject({ suppressed: true, k: null, inviters: null });
    expect(byKey.whatsapp).toMatchObject({ suppressed: true, k: null });
    expect(byKey.email).toMatchObject({ suppressed: true }); // 2 inviters
    await addInviters('sms-more', 1, { channel: 'sms', recipientPhone: '+447911123456' });
    const after = (await snapshot(star, 'platform', 'platform:30'))!;
    const sms = after.breakdowns.channel.find((s) => s.key === 'sms')!;
    expect(sms).toMatchObject({ suppressed: false, inviters: 5, invited: 5, accepted: 0, k: 0 });
    expect(sms.kHigh).toBeGreaterThan(0);
  });

  it('GET /api/viral/k answers the published windows (7, 30, 90 days ending today) and any slice; a slice under 5 inviters has no figures', async () => {
    const all = await star.get('/api/viral/k?windowDays=30');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ dim: 'all', suppressed: false, inviters: 8 }); // star, bride, 4 + 1 by SMS, 1 by WhatsApp
    expect(all.body.k).toBeCloseTo(all.body.accepted / 8, 12);
    expect((await star.get('/api/viral/k?windowDays=30&dim=channel&val=sms')).body).toMatchObject({ suppressed: false, inviters: 5 });
    expect((await star.get('/api/viral/k?windowDays=30&dim=channel&val=whatsapp')).body).toEqual(expect.objectContaining({ suppressed: true }));
    expect((await star.get('/api/viral/k?windowDays=30&dim=channel&val=whatsapp')).body.k).toBeUndefined();
    for (const q of ['windowDays=12', 'windowDays=91', 'windowDays=0', 'dim=city', 'end=yesterday']) {
      expect((await star.get(`/api/viral/k?${q}`)).body.error?.code, q).toBe('INVALID_INPUT');
    }
  });
});

describe('owner tools and live audiences', () => {
  it('the owner can run the drift check and the rescoring; anyone else is refused FORBIDDEN', async () => {
    const drift = await owner.get('/api/viral/drift');
    expect(drift.status).toBe(200);
    expect(drift.body.total).toBe(0);
    const rescored = await owner.post('/api/viral/connectors/recompute', {});
    expect(rescored.body).toEqual({ scored: 1, changed: 0 });
    for (const res of [await star.get('/api/viral/drift'), await bride.post('/api/viral/connectors/recompute', {})]) {
      expect([res.status, res.body.error.code]).toEqual([403, 'FORBIDDEN']);
    }
  });

  it("live snapshots go only to their audience: the owner's to the owner, a user's own to that user", async () => {
    const [ownerSocket, starSocket, brideSocket] = await Promise.all([owner.socket(), star.socket(), bride.socket()]);
    const brideSaw: string[] = [];
    brideSocket.on('metrics:updated', (e) => brideSaw.push(...e.documents.map((d) => d.id)));
    const ownerGets = nextEvent(ownerSocket, 'metrics:updated', (e) => e.documents.some((d) => d.id === 'connectors'));
    const starGets = nextEvent(starSocket, 'metrics:updated', (e) => e.documents.some((d) => d.id === 'user:u-star'));
    const starSaw: string[] = [];
    starSocket.on('metrics:updated', (e) => starSaw.push(...e.documents.map((d) => d.id)));
    await star.push('invitations', [{ newDocumentState: newInvitation('u-star', { recipientEmail: 'new-couple@x.test' }) }]);
    await Promise.all([ownerGets, starGets]);
    await server.plusone.metrics.settle();
    expect(starSaw.filter((id) => !id.startsWith('platform:'))).toEqual(['user:u-star']);
    expect(brideSaw.every((id) => id.startsWith('platform:'))).toBe(true);
  });
});
