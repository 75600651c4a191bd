/**
 * A person's own data on a real server: they can download it (theirs, and nothing of anyone
 * else's), and erase their account: their personal data goes, they leave every referral chain
 * and segment, their sessions end and they cannot sign in again, while every counter and the
 * drift check stay as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { ClientEvent } from '../../shared/events';
import type { MetricsDoc } from '../../shared/metrics';
import { readSnapshot } from '../../shared/analytics/snapshots';
import { ERASED_NAME } from '../../shared/privacy';
import { addUser, countRows, pullAll, TEST_PASSWORD } from '../test/fixtures';
import { newInvitation, startTestServer, type ApiClient, type TestServer } from '../test/server';
import { checkDrift } from '../viral/kRebuild';
import { counterState, mentions } from './privacyFixtures';

let server: TestServer;
let owner: ApiClient;
let star: ApiClient;
let cara: ApiClient;
let dan: ApiClient;

const accept = (invitationId: string): ClientEvent => ({ id: uuidv7(), type: 'invitation.accepted', invitationId, capturedAt: new Date().toISOString(), deviceId: 'test-device' });

async function invite(from: ApiClient, inviterId: string, recipientEmail: string, message = '') {
  const invitation = newInvitation(inviterId, { recipientEmail, message });
  expect((await from.push('invitations', [{ newDocumentState: invitation }])).body.results[0].outcome).toBe('applied');
  return invitation.id;
}

async function settled() {
  await server.plusone.metrics.settle();
  await server.plusone.metrics.refresh();
}

beforeAll(async () => {
  server = await startTestServer({ demo: false });
  const db = server.testDb.db;
  await addUser(db, { id: 'u-owner', email: 'owner@acct.test', role: 'owner' });
  await addUser(db, { id: 'u-star', email: 'star@acct.test', role: 'supplier', orgId: 'org-star' });
  await addUser(db, { id: 'u-other', email: 'other@acct.test', role: 'supplier', orgId: 'org-other' });
  await addUser(db, { id: 'u-cara', email: 'cara@acct.test', role: 'couple' });
  await addUser(db, { id: 'u-dan', email: 'dan@acct.test', role: 'couple' });
  [owner, star, cara, dan] = (await Promise.all(['owner', 'star', 'cara', 'dan'].map((n) => server.as(`${n}@acct.test`, TEST_PASSWORD)))) as [ApiClient, ApiClient, ApiClient, ApiClient];
  const other = await server.as('other@acct.test', TEST_PASSWORD);
  // The chain star → cara → dan, by accepted invitations.
  const toCara = await invite(star, 'u-star', 'cara@acct.test', 'Cara, you were our favourite couple');
  expect((await cara.push('viral_events', [{ newDocumentState: accept(toCara) }])).body.results[0].outcome).toBe('applied');
  const toDan = await invite(cara, 'u-cara', 'dan@acct.test', 'Dan, from Cara with love');
  expect((await dan.push('viral_events', [{ newDocumentState: accept(toDan) }])).body.results[0].outcome).toBe('applied');
  await db.query("INSERT INTO bookings (id, couple_id, supplier_id, amount_cents, booked_at) VALUES ($1, 'u-cara', 'u-star', 250000, now())", [uuidv7()]);
  // Other people's invitations, which Cara's export must not show.
  await invite(star, 'u-star', 'someone.else@acct.test', 'not for Cara');
  await invite(other, 'u-other', 'stranger@acct.test');
  await settled();
});
afterAll(() => server?.close());

describe('GET /api/account/export', () => {
  it("downloads the person's data as a JSON file: profile, invitations both ways, events, referrals, bookings, segments", async () => {
    const res = await fetch(`${server.url}/api/account/export`, { headers: { cookie: cara.cookie! } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?plusone-my-data-\d{4}-\d\d-\d\d\.json"?$/);
    const text = await res.text();
    const data = JSON.parse(text);
    expect(data.profile).toMatchObject({ id: 'u-cara', email: 'cara@acct.test', role: 'couple' });
    expect(data.invitationsSent).toEqual([expect.objectContaining({ recipientEmail: 'dan@acct.test', message: 'Dan, from Cara with love', status: 'accepted' })]);
    expect(data.invitationsReceived).toEqual([expect.objectContaining({ from: 'u-star', message: 'Cara, you were our favourite couple', status: 'accepted' })]);
    expect(data.events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['invitation.accepted', 'referral.attributed', 'segment.joined']));
    expect(data.referrals).toEqual({ referredBy: expect.objectContaining({ userId: 'u-star' }), referred: [expect.objectContaining({ userId: 'u-dan' })] });
    expect(data.bookings).toEqual([expect.objectContaining({ supplierId: 'u-star', amount: 2500 })]);
    expect(data.segments.map((s: { id: string }) => s.id)).toContain('newly-referred');
    expect(data.sessions.length).toBeGreaterThan(0);
    // Nothing of anyone else's.
    for (const other of ['someone.else@acct.test', 'stranger@acct.test', 'not for Cara', 'star@acct.test', 'u-other']) expect(text).not.toContain(other);
  });

  it('needs a session', async () => {
    expect((await server.anonymous().get('/api/account/export')).status).toBe(401);
  });
});

describe('POST /api/account/erase', () => {
  it('refuses a wrong password and changes nothing', async () => {
    const res = await cara.post('/api/account/erase', { password: 'not-my-password' });
    expect([res.status, res.body.error.code]).toEqual([403, 'WRONG_PASSWORD']);
    expect((await cara.get('/api/auth/me')).status).toBe(200);
  });

  it('refuses to erase the last owner, who would leave the platform with nobody to run it', async () => {
    const res = await owner.post('/api/account/erase', { password: TEST_PASSWORD });
    expect([res.status, res.body.error.code]).toEqual([409, 'LAST_OWNER']);
    expect((await owner.get('/api/auth/me')).status).toBe(200);
  });

  it('erases: personal data, chains, segments and sessions go; counters, K and the drift check stay; sign-in fails after', async () => {
    const db = server.testDb.db;
    const before = await counterState(db);
    expect(await countRows(db, 'segment_members', "user_id = 'u-cara'")).toBeGreaterThan(0);

    const res = await cara.post('/api/account/erase', { password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ erased: true });

    // Nothing names Cara any more: not her address, not what was written to her or by her.
    expect(await mentions(db, 'cara@acct.test')).toEqual({});
    expect(await mentions(db, 'favourite couple')).toEqual({});
    expect(await mentions(db, 'from Cara')).toEqual({});
    expect(await countRows(db, 'invitations', "recipient_email = 'dan@acct.test'")).toBe(0);
    const [user] = await db.query<{ name: string; password_hash: string | null; erased_at: Date | null; referred_by: string | null }>(
      "SELECT name, password_hash, erased_at, referred_by FROM users WHERE id = 'u-cara'",
    );
    expect(user).toMatchObject({ name: ERASED_NAME, password_hash: null, referred_by: null });
    expect(user!.erased_at).not.toBeNull();
    // Out of every chain and segment; no session left.
    expect(await countRows(db, 'users', "referred_by = 'u-cara'")).toBe(0);
    expect(await countRows(db, 'segment_members', "user_id = 'u-cara'")).toBe(0);
    expect(await countRows(db, 'sessions', "user_id = 'u-cara'")).toBe(0);
    // The counters and the drift check have not moved.
    expect(await counterState(db)).toEqual(before);
    expect((await checkDrift(db)).total).toBe(0);

    expect((await cara.get('/api/auth/me')).status).toBe(401);
    const again = await server.anonymous().post('/api/auth/login', { email: 'cara@acct.test', password: TEST_PASSWORD });
    expect([again.status, again.body.error.code]).toEqual([401, 'BAD_CREDENTIALS']);
  });

  it("the chains others see no longer hold the person, and the log records the erasure without saying whose", async () => {
    await settled();
    const starView = readSnapshot('user', (await pullAll<MetricsDoc>(star, 'metrics')).documents.find((d) => d.id === 'user:u-star'));
    expect(starView!.tree.children).toEqual([]);
    const danView = readSnapshot('user', (await pullAll<MetricsDoc>(dan, 'metrics')).documents.find((d) => d.id === 'user:u-dan'));
    expect(danView).toMatchObject({ referredBy: null, chainDepth: 0 });

    const log = (await owner.get('/api/privacy/runs')).body.runs;
    expect(log[0]).toMatchObject({ kind: 'erasure', trigger: 'user', rows: expect.objectContaining({ invitations: 2, referrals_removed: 2, sessions: 1 }) });
    expect(JSON.stringify(log)).not.toMatch(/cara|@/i);
  });
});
