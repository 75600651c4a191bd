/**
 * Fraud end to end on a real server and PostgreSQL (issue 8, points 3–6): a blocked invitation
 * is refused through sync with its reason and nothing is written; a held one is written and
 * waits in the owner's queue; an acceptance held for review counts in K until the owner
 * confirms it, which claws the reward back, takes it out of K, tiers and referred revenue and
 * counts it in the snapshot's excludedAsFraud; clearing one releases and grants the reward;
 * a blocked acceptance never reaches K; only the owner reaches the routes.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnapshot } from '../../shared/analytics/snapshots';
import { ErrorCode } from '../../shared/errors';
import type { QueueItem } from '../../shared/fraud/queue';
import type { MetricsDoc } from '../../shared/metrics';
import { addUser, countRows, pullAll, TEST_PASSWORD } from '../test/fixtures';
import { newInvitation, startTestServer, type ApiClient, type TestServer } from '../test/server';
import { checkDrift } from '../viral/kRebuild';
import { qualifyRewards, rewardOf } from './rewards';

let server: TestServer;
let owner: ApiClient;
let photo: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  [owner, photo] = await Promise.all([server.as('owner@demo.plusone'), server.as('photo@demo.plusone')]);
});
afterAll(() => server?.close());

const db = () => server.testDb.db;
const accepted = async () => (await owner.get('/api/viral/coefficient?windowDays=30')).body.accepted as number;
const queue = async () => (await owner.get('/api/fraud/queue')).body as { items: QueueItem[]; pending: number };
const invite = async (overrides: Parameters<typeof newInvitation>[1]) => {
  const inv = newInvitation('u-photo', overrides);
  const res = await photo.push('invitations', [{ newDocumentState: inv }]);
  return { inv, result: res.body.results[0] };
};

/** A couple with an account, invited by the photographer, accepting from `deviceId`. */
async function acceptance(name: string, deviceId: string, email = `${name}@fraud.test`) {
  await addUser(db(), { id: `u-${name}`, email, role: 'couple' });
  const couple = await server.as(email, TEST_PASSWORD);
  const { inv, result } = await invite({ recipientEmail: email, deviceId: 'photo-tablet' });
  expect(result.outcome).toBe('applied');
  const event = { id: uuidv7(), type: 'invitation.accepted', invitationId: inv.id, capturedAt: new Date().toISOString(), deviceId };
  expect((await couple.push('viral_events', [{ newDocumentState: event }])).body.results[0].outcome).toBe('applied');
  return inv.id;
}

/** Three other accounts that lately accepted invitations from this device: a farm. */
async function farmDevice(device: string) {
  for (const u of ['u-ritz', 'u-couple', 'u-coordinator']) {
    await db().query(`INSERT INTO fraud_fingerprints (kind, value, user_id, via) VALUES ('device', $1, $2, 'accept')`, [device, u]);
  }
}

async function platformSnapshot() {
  await server.plusone.metrics.settle();
  await server.plusone.metrics.refresh();
  const { documents } = await pullAll<MetricsDoc>(owner, 'metrics');
  return readSnapshot('platform', documents.find((d) => d.id === 'platform:30'))!;
}

describe('fraud through sync and the owner’s review', () => {
  it('an invitation to a throwaway address is refused with its reason, and nothing is written', async () => {
    const { inv, result } = await invite({ recipientEmail: 'winner@mailinator.com' });
    expect(result).toMatchObject({ outcome: 'refused', error: { code: ErrorCode.FRAUD_BLOCKED } });
    expect(result.error.message).toMatch(/^Blocked by our safety checks: Throwaway email address \(winner@mailinator.com/);
    expect(await countRows(db(), 'invitations', 'id = $1', [inv.id])).toBe(0);
    expect(await countRows(db(), 'deliveries', 'invitation_id = $1', [inv.id])).toBe(0);
    const [a] = await db().query<{ outcome: string; review_state: string }>(`SELECT outcome, review_state FROM fraud_assessments WHERE invitation_id = $1`, [inv.id]);
    expect(a).toEqual({ outcome: 'block', review_state: 'none' });
    // Pushed again (a retry), it is refused again and still judged once.
    expect((await photo.push('invitations', [{ newDocumentState: inv }])).body.results[0].outcome).toBe('refused');
    expect(await countRows(db(), 'fraud_assessments', 'invitation_id = $1', [inv.id])).toBe(1);
  });

  it('an invitation held for review is written and waits in the owner’s queue with its reasons', async () => {
    for (const u of ['u-ritz', 'u-s0', 'u-s1']) {
      await db().query(
        `INSERT INTO invitations (id, inviter_id, recipient_email, relationship, channel, status, captured_at, device_id, write_id, counted_at, rev, txid)
         VALUES ($1, $2, 'popular@fraud.test', 'past_client', 'email', 'sent', now(), 'd', $1, now(), nextval('plusone_rev'), plusone_txid())`,
        [uuidv7(), u],
      );
    }
    const { inv, result } = await invite({ recipientEmail: 'popular@fraud.test' });
    expect(result.outcome).toBe('applied');
    expect(await countRows(db(), 'invitations', 'id = $1', [inv.id])).toBe(1);
    const item = (await queue()).items.find((i) => i.invitationId === inv.id)!;
    expect(item).toMatchObject({ subject: 'invitation', outcome: 'review', inviterName: 'Pablo Ortiz', reviewState: 'pending', reward: null });
    expect(item.reasons).toContainEqual({ code: 'recipient_many_inviters', weight: 0.45, detail: 'popular@fraud.test has been invited by 4 different people (more than 3)' });
    expect(item.modelVersion).toMatch(/^\d{4}-\d\d-\d\d-[0-9a-f]{8}$/);

    // Confirmed: the open invitation is cancelled, and the decision is a label for training.
    expect((await owner.post(`/api/fraud/${item.id}/confirm`)).body).toMatchObject({ reviewState: 'confirmed' });
    const [row] = await db().query<{ status: string }>('SELECT status FROM invitations WHERE id = $1', [inv.id]);
    expect(row!.status).toBe('cancelled');
    const [label] = await db().query<{ fraud: boolean; n: number }>(`SELECT fraud, jsonb_array_length(features) AS n FROM fraud_labels WHERE assessment_id = $1`, [item.id]);
    expect(label).toEqual({ fraud: true, n: 20 });
    expect((await owner.post(`/api/fraud/${item.id}/clear`)).status).toBe(400);
  });

  it('an acceptance held for review counts until confirmed; confirming claws the reward back and takes it out of K, tiers and referred revenue', async () => {
    await farmDevice('farm-phone');
    const before = await accepted();
    const invitationId = await acceptance('bride', 'farm-phone');
    expect(await accepted()).toBe(before + 1);
    const item = (await queue()).items.find((i) => i.invitationId === invitationId && i.subject === 'acceptance')!;
    expect(item).toMatchObject({ outcome: 'review', acceptorName: 'u-bride', reward: 'held' });
    expect(item.reasons.map((r) => r.code)).toContain('acceptance_farm');
    const [referred] = await db().query<{ referred_by: string | null }>(`SELECT referred_by FROM users WHERE id = 'u-bride'`);
    expect(referred!.referred_by).toBe('u-photo');

    const confirmed = await owner.post(`/api/fraud/${item.id}/confirm`);
    expect(confirmed.body).toMatchObject({ reviewState: 'confirmed', reward: 'clawed_back' });
    expect(await accepted()).toBe(before);
    const [after] = await db().query<{ referred_by: string | null }>(`SELECT referred_by FROM users WHERE id = 'u-bride'`);
    expect(after!.referred_by).toBeNull();
    const [link] = await db().query<{ status: string }>(`SELECT status FROM connector_links WHERE supplier_id = 'u-photo' AND recipient_email = 'bride@fraud.test'`);
    expect(link!.status).toBe('opened');
    expect((await platformSnapshot()).excludedAsFraud).toBe(1);
    expect((await checkDrift(db())).total).toBe(0);
  });

  it('clearing an acceptance releases its reward, granted once the person has booked', async () => {
    await farmDevice('farm-phone-2');
    const invitationId = await acceptance('groom', 'farm-phone-2');
    const before = await accepted();
    await db().query(`INSERT INTO bookings (id, couple_id, supplier_id, amount_cents, booked_at) VALUES ($1, 'u-groom', 'u-photo', 250000, now())`, [uuidv7()]);
    const item = (await queue()).items.find((i) => i.invitationId === invitationId && i.subject === 'acceptance')!;
    expect(item.reward).toBe('held');
    expect((await owner.post(`/api/fraud/${item.id}/clear`)).body).toMatchObject({ reviewState: 'cleared', reward: 'granted' });
    expect(await rewardOf(db(), invitationId)).toEqual({ state: 'granted', qualified_by: 'booked' });
    expect(await accepted()).toBe(before);
  });

  it('an allowed acceptance’s reward waits until the person qualifies; a blocked one never counts in K until cleared', async () => {
    const allowed = await acceptance('guest', 'guest-phone');
    expect(await rewardOf(db(), allowed)).toEqual({ state: 'pending', qualified_by: null });
    await db().query(`INSERT INTO invitations (id, inviter_id, recipient_email, relationship, channel, status, captured_at, device_id, write_id, counted_at, rev, txid)
       VALUES ($1, 'u-guest', 'friend@fraud.test', 'friend_family', 'email', 'sent', now(), 'g', $1, now(), nextval('plusone_rev'), plusone_txid())`, [uuidv7()]);
    expect(await qualifyRewards(db(), new Date())).toBeGreaterThanOrEqual(1);
    expect(await rewardOf(db(), allowed)).toEqual({ state: 'granted', qualified_by: 'active' });

    const before = await accepted();
    // Accepted by link from an account with a throwaway address (not the one invited).
    await addUser(db(), { id: 'u-throwaway', email: 'newlyweds@yopmail.com', role: 'couple' });
    const { inv } = await invite({ recipientEmail: 'nice@fraud.test' });
    const throwaway = await server.as('newlyweds@yopmail.com', TEST_PASSWORD);
    expect((await throwaway.post(`/api/invites/${inv.inviteCode}/accept`)).status).toBe(200);
    const blocked = inv.id;
    expect(await accepted()).toBe(before);
    const [gone] = await db().query<{ referred_by: string | null }>(`SELECT referred_by FROM users WHERE id = 'u-throwaway'`);
    expect(gone!.referred_by).toBeNull();
    const item = (await queue()).items.find((i) => i.invitationId === blocked && i.subject === 'acceptance')!;
    expect(item).toMatchObject({ outcome: 'block', reward: 'held' });
    expect(item.reasons[0]).toMatchObject({ code: 'disposable_address', detail: 'newlyweds@yopmail.com is on a list of throwaway email services' });
    expect((await owner.post(`/api/fraud/${item.id}/clear`)).body.reward).toBe('pending');
    expect(await accepted()).toBe(before + 1);
    const [back] = await db().query<{ referred_by: string | null }>(`SELECT referred_by FROM users WHERE id = 'u-throwaway'`);
    expect(back!.referred_by).toBe('u-photo');
    expect((await checkDrift(db())).total).toBe(0);
  });

  it('only the owner reaches the routes, and a decision is parsed', async () => {
    expect((await photo.get('/api/fraud/queue')).status).toBe(403);
    expect((await server.anonymous().get('/api/fraud/queue')).status).toBe(401);
    const someone = (await queue()).items[0];
    if (someone) expect((await photo.post(`/api/fraud/${someone.id}/confirm`)).status).toBe(403);
    expect((await owner.post('/api/fraud/not-a-uuid/confirm')).body.error.code).toBe(ErrorCode.INVALID_INPUT);
    expect((await owner.post(`/api/fraud/${uuidv7()}/maybe`)).body.error.code).toBe(ErrorCode.INVALID_INPUT);
    expect((await owner.post(`/api/fraud/${uuidv7()}/clear`)).status).toBe(404);
  });
});
