/**
 * The invite link and the short code (shared/invites.ts; README rules INV1–INV8): who invited
 * them, acceptance by a signed-in person or a new sign-up in one go, attribution to the inviter
 * even under another email, expiry, single use, and guesses at short codes limited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, countRows, TEST_PASSWORD } from '../test/fixtures';
import { newInvitation, startTestServer, type ApiClient, type ApiResponse, type TestServer } from '../test/server';
import { guessLimiter } from './limiter';

let server: TestServer;
let supplier: ApiClient;
let guesses = 0;

beforeAll(async () => {
  server = await startTestServer({ demo: false });
  await addUser(server.testDb.db, { id: 'u-inv', email: 'inviter@example.com', role: 'supplier', orgId: 'org-inv' });
  await server.testDb.db.query(`UPDATE users SET name = 'Rita Castell' WHERE id = 'u-inv'`);
  await server.testDb.db.query(`UPDATE organisations SET name = 'The Ritz' WHERE id = 'org-inv'`);
  supplier = await server.as('inviter@example.com', TEST_PASSWORD);
});
afterAll(() => server?.close());

const db = () => server.testDb.db;
const invite = async (over: Parameters<typeof newInvitation>[1] = {}) => {
  const inv = newInvitation('u-inv', over);
  const res = await supplier.push('invitations', [{ newDocumentState: inv, assumedMasterState: null }]);
  expect(res.body.results[0].outcome).toBe('applied');
  return inv;
};
const statusOf = async (id: string) => (await db().query<{ status: string }>('SELECT status FROM invitations WHERE id = $1', [id]))[0]!.status;
const referrerOf = async (email: string) => (await db().query<{ referred_by: string | null }>('SELECT referred_by FROM users WHERE email = $1', [email]))[0]?.referred_by;
const short = async (path: 'check' | 'signup', body: object): Promise<ApiResponse> => {
  guesses += 1;
  return server.anonymous().post(`/api/join/${path}`, body);
};
const signup = (name: string, email: string) => ({ name, email, password: 'a-long-password' });

describe('invite link', () => {
  it('INV1: the link shows who invited them (and nothing to a wrong code), and counts as opened', async () => {
    const inv = await invite({ recipientName: 'Sam' });
    const res = await server.anonymous().get(`/api/invites/${inv.inviteCode}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ inviterName: 'Rita Castell', venue: 'The Ritz', recipientName: 'Sam', open: true, reason: null });
    expect(await statusOf(inv.id)).toBe('opened');
    expect((await server.anonymous().get(`/api/invites/${'x'.repeat(22)}`)).status).toBe(404);
    expect((await server.anonymous().get('/api/invites/short')).body.error.code).toBe('INVALID_INPUT');
  });

  it('INV2: a signed-in couple accepts once; a second acceptance is refused with a clear message', async () => {
    await addUser(db(), { id: 'u-c1', email: 'c1@example.com', role: 'couple' });
    const inv = await invite({ recipientEmail: 'c1@example.com' });
    const couple = await server.as('c1@example.com', TEST_PASSWORD);
    const first = await couple.post(`/api/invites/${inv.inviteCode}/accept`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ invitationId: inv.id, inviterName: 'Rita Castell', userId: 'u-c1' });
    expect(await statusOf(inv.id)).toBe('accepted');
    expect(await referrerOf('c1@example.com')).toBe('u-inv');
    const again = await couple.post(`/api/invites/${inv.inviteCode}/accept`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CODE_USED', message: expect.stringMatching(/already been accepted/) });
    expect((await server.anonymous().post(`/api/invites/${inv.inviteCode}/accept`)).status).toBe(401);
    expect((await supplier.post(`/api/invites/${(await invite()).inviteCode}/accept`)).body.error.code).toBe('FORBIDDEN');
  });

  it('INV3: a new person signs up under another email and accepts in one go, signed in and attributed to the inviter', async () => {
    const inv = await invite({ recipientEmail: 'invited@example.com' });
    const res = await server.anonymous().post(`/api/invites/${inv.inviteCode}/signup`, signup('Alex', 'other@example.com'));
    expect(res.status).toBe(201);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const me = await fetch(`${server.url}/api/auth/me`, { headers: { cookie } }).then((r) => r.json());
    expect(me.user).toMatchObject({ email: 'other@example.com', name: 'Alex', role: 'couple' });
    expect(await statusOf(inv.id)).toBe('accepted');
    expect(await referrerOf('other@example.com')).toBe('u-inv');
    expect(await countRows(db(), 'viral_events', `type = 'referral.attributed' AND invitation_id = $1 AND data->>'referredId' = $2`, [inv.id, me.user.id])).toBe(1);
    expect(await countRows(db(), 'viral_events', `type = 'invitation.accepted' AND invitation_id = $1 AND actor_id = $2`, [inv.id, me.user.id])).toBe(1);
    // Single use: the link cannot make a second account.
    const second = await server.anonymous().post(`/api/invites/${inv.inviteCode}/signup`, signup('Eve', 'eve@example.com'));
    expect(second.body.error.code).toBe('CODE_USED');
    expect(await countRows(db(), 'users', `email = 'eve@example.com'`)).toBe(0);
  });

  it('INV4: an email that already has an account is asked to sign in instead', async () => {
    const inv = await invite();
    const res = await server.anonymous().post(`/api/invites/${inv.inviteCode}/signup`, signup('Again', 'other@example.com'));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/sign in to accept/);
    expect(await statusOf(inv.id)).toBe('queued');
  });

  it('INV5: a link past its expiry (INVITE_CODE_DAYS) is refused, and the page says so', async () => {
    const inv = await invite();
    await db().query(`UPDATE invitations SET created_at = now() - interval '31 days' WHERE id = $1`, [inv.id]);
    const info = await server.anonymous().get(`/api/invites/${inv.inviteCode}`);
    expect(info.body).toMatchObject({ open: false, reason: expect.stringMatching(/expired/) });
    const res = await server.anonymous().post(`/api/invites/${inv.inviteCode}/signup`, signup('Late', 'late@example.com'));
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('CODE_EXPIRED');
  });
});

describe('short code', () => {
  it('INV6: a short code, typed loosely, shows only the inviter’s name, and signs a new person up attributed to the inviter', async () => {
    const inv = await invite({ recipientEmail: 'venue-guest@example.com' });
    const typed = `${inv.shortCode!.slice(0, 4).toLowerCase()} - ${inv.shortCode!.slice(4)}`;
    const check = await short('check', { shortCode: typed });
    expect(check.status).toBe(200);
    expect(Object.keys(check.body).sort()).toEqual(['expiresAt', 'inviterName']);
    const res = await short('signup', { shortCode: typed, ...signup('Jo', 'jo@example.com') });
    expect(res.status).toBe(201);
    expect(await referrerOf('jo@example.com')).toBe('u-inv');
    expect(await statusOf(inv.id)).toBe('accepted');
    expect((await short('signup', { shortCode: inv.shortCode, ...signup('Jo2', 'jo2@example.com') })).body.error.code).toBe('CODE_USED');
    expect((await short('check', { shortCode: 'AAAA-AAAA' })).status).toBe(404);
  });

  it('INV7: a short code expires (SHORT_CODE_DAYS)', async () => {
    const inv = await invite();
    await db().query(`UPDATE invitations SET created_at = now() - interval '31 days' WHERE id = $1`, [inv.id]);
    expect((await short('check', { shortCode: inv.shortCode })).body.error.code).toBe('CODE_EXPIRED');
  });

  it('INV8: guesses are limited per address: past 10 the answer is 429 with Retry-After', async () => {
    const answers: number[] = [];
    while (guesses < 12) answers.push((await short('check', { shortCode: 'ZZZZ-ZZZZ' })).status);
    const last = await short('check', { shortCode: 'ZZZZ-ZZZZ' });
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(answers.filter((s) => s === 429).length).toBe(guesses - 1 - 10);
  });

  it('INV8: and overall, whatever the address', async () => {
    const limiter = guessLimiter(server.plusone.limits, { perAddress: { points: 100, seconds: 60 }, global: { points: 5, seconds: 60 } });
    const verdicts = [];
    for (let i = 0; i < 7; i++) verdicts.push(await limiter.take(`10.0.0.${i}`));
    expect(verdicts.map((v) => v.ok)).toEqual([true, true, true, true, true, false, false]);
  });
});

describe('unsubscribe', () => {
  it('OUT2: the link in a message opts the address out; nothing is queued for it again', async () => {
    const inv = await invite({ recipientEmail: 'stop@example.com' });
    const token = (await db().query<{ unsubscribe_token: string }>('SELECT unsubscribe_token FROM deliveries WHERE invitation_id = $1', [inv.id]))[0]!.unsubscribe_token;
    expect((await fetch(`${server.url}/unsubscribe/${token}`)).status).toBe(200);
    const res = await fetch(`${server.url}/unsubscribe/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    expect((await db().query('SELECT state FROM deliveries WHERE invitation_id = $1', [inv.id]))[0]).toEqual({ state: 'cancelled' });
    const later = await invite({ recipientEmail: 'stop@example.com' });
    expect(await countRows(db(), 'deliveries', 'invitation_id = $1', [later.id])).toBe(0);
    expect((await fetch(`${server.url}/unsubscribe/nope`, { method: 'POST' })).status).toBe(404);
  });
});
