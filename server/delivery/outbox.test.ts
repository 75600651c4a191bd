/**
 * The delivery outbox (server/delivery/README.md, rules OUT1–OUT6): rows written with their
 * invitation, never for an opted-out recipient, each sent once by concurrent workers, nothing
 * lost or sent twice when a worker dies mid-batch, retries then a dead letter with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newInvitation } from '../test/server';
import { addUser, countRows, TEST_PASSWORD } from '../test/fixtures';
import { pushInvitations } from '../sync/invitations';
import { retryDelayMs } from './backoff';
import { deliveryWorld, type DeliveryWorld } from './deliveryFixtures';
import { OPTED_OUT_REASON } from './outbox';
import { claimBatch, runBatch, sendClaimed, settle } from './worker';

let w: DeliveryWorld;
beforeAll(async () => {
  w = await deliveryWorld();
});
afterAll(() => w?.close());

const db = () => w.server.testDb.db;
const delivery = async (invitationId: string) =>
  (await db().query<{ state: string; attempts: number; provider_id: string | null; last_error: string | null }>('SELECT state, attempts, provider_id, last_error FROM deliveries WHERE invitation_id = $1', [invitationId]))[0];
const status = async (id: string) => (await db().query<{ status: string }>('SELECT status FROM invitations WHERE id = $1', [id]))[0]?.status;
/** Delivery failures in the inviter's event feed (its scope: inviter_id = the supplier). */
const failures = () =>
  db().query<{ invitation_id: string; data: { reason: string } }>(
    `SELECT invitation_id, data FROM viral_events WHERE type = 'invitation.delivery_failed' AND inviter_id = $1`,
    [w.supplierId],
  );
const drain = async (core = w.core()) => {
  while ((await runBatch(core)) > 0);
};

describe('delivery outbox', () => {
  it('OUT1: an invitation and its delivery row commit together, or neither does', async () => {
    const [inv] = await w.push({});
    expect(await delivery(inv!.id)).toMatchObject({ state: 'pending', attempts: 0 });

    const lost = newInvitation(w.supplierId);
    const user = { id: w.supplierId, email: `${w.supplierId}@example.com`, name: 'x', role: 'supplier' as const, orgId: null, orgName: null, createdAt: new Date(0) };
    await expect(
      db().transaction(async (tx) => {
        await pushInvitations(tx, user, [{ newDocumentState: lost, assumedMasterState: null }], new Date());
        throw new Error('the push fails after the insert');
      }),
    ).rejects.toThrow('the push fails');
    expect(await countRows(db(), 'invitations', 'id = $1', [lost.id])).toBe(0);
    expect(await countRows(db(), 'deliveries', 'invitation_id = $1', [lost.id])).toBe(0);
    await drain();
  });

  it('OUT2: a recipient who opted out is never messaged, and the inviter sees why', async () => {
    await db().query(`INSERT INTO delivery_opt_outs (address, source) VALUES ('gone@example.com', 'test'), ('+447911123456', 'test')`);
    const [byEmail, bySms] = await w.push({ recipientEmail: 'gone@example.com' }, { channel: 'sms', recipientPhone: '+447911123456' });
    expect(await countRows(db(), 'deliveries', 'invitation_id = ANY($1::uuid[])', [[byEmail!.id, bySms!.id]])).toBe(0);
    await drain();
    expect(w.smtp.messages.filter((m) => m.to.includes('gone@example.com'))).toEqual([]);
    expect(w.twilio.messages.filter((m) => m.to === '+447911123456')).toEqual([]);
    const events = await failures();
    expect(events.map((e) => [e.invitation_id, e.data.reason])).toEqual(expect.arrayContaining([[byEmail!.id, OPTED_OUT_REASON], [bySms!.id, OPTED_OUT_REASON]]));
  });

  it('OUT2: Twilio 21610 (the person texted STOP) opts the number out: what still waits is cancelled, and a later invitation is never messaged', async () => {
    const number = '+447911123610';
    w.twilio.rejectNumber(number, 21610);
    const [a, b] = await w.push({ channel: 'sms', recipientPhone: number }, { channel: 'sms', recipientPhone: number });
    // One at a time: the first send meets the STOP; the other is still waiting then.
    const one = w.core({ batch: 1 });
    while ((await runBatch(one)) > 0);
    const rows = await db().query<{ state: string; attempts: number; last_error: string }>(
      'SELECT state, attempts, last_error FROM deliveries WHERE invitation_id = ANY($1::uuid[]) ORDER BY state',
      [[a!.id, b!.id]],
    );
    expect(rows.map((r) => [r.state, r.attempts])).toEqual([['cancelled', 0], ['dead', 1]]);
    expect(rows[0]!.last_error).toBe(OPTED_OUT_REASON);
    expect(rows[1]!.last_error).toMatch(/SMS provider error 21610/);
    expect(await db().query('SELECT source FROM delivery_opt_outs WHERE address = $1', [number])).toEqual([{ source: 'provider' }]);

    // The provider would take the number again now: only the opt-out stands in the way.
    w.twilio.allowNumber(number);
    const [later, byWhatsApp] = await w.push({ channel: 'sms', recipientPhone: number }, { channel: 'whatsapp', recipientPhone: number });
    expect(await countRows(db(), 'deliveries', 'invitation_id = ANY($1::uuid[])', [[later!.id, byWhatsApp!.id]])).toBe(0);
    await drain();
    expect(w.twilio.messages.filter((m) => m.to === number)).toEqual([]);
    expect(w.whatsapp.messages.filter((m) => `+${m.to}` === number)).toEqual([]);
    const told = (await failures()).filter((e) => [later!.id, byWhatsApp!.id].includes(e.invitation_id));
    expect(told.map((e) => e.data.reason)).toEqual([OPTED_OUT_REASON, OPTED_OUT_REASON]);
  });

  it('OUT3: two workers claiming at once send each row exactly once (FOR UPDATE SKIP LOCKED)', async () => {
    const before = w.smtp.messages.length;
    const invs = await w.push(...Array.from({ length: 60 }, (_, i) => ({ recipientEmail: `pair.${i}@example.com` })));
    const core = w.core({ batch: 7 });
    await Promise.all([drain(core), drain(core)]);
    const caught = w.smtp.messages.slice(before);
    expect(caught).toHaveLength(60);
    expect(new Set(caught.map((m) => m.to[0])).size).toBe(60);
    expect(w.smtp.duplicates).toBe(0);
    const states = await db().query<{ state: string; attempts: number; n: number }>(
      `SELECT state, attempts, count(*)::int AS n FROM deliveries WHERE invitation_id = ANY($1::uuid[]) GROUP BY 1, 2`,
      [invs.map((i) => i.id)],
    );
    expect(states).toEqual([{ state: 'sent', attempts: 1, n: 60 }]);
    // Each row records the id the provider gave its message (the peer's queue id, from its 250 answer).
    const ids = await db().query<{ provider_id: string | null }>('SELECT provider_id FROM deliveries WHERE invitation_id = ANY($1::uuid[])', [invs.map((i) => i.id)]);
    expect(ids.every((r) => r.provider_id !== null)).toBe(true);
    expect(new Set(ids.map((r) => r.provider_id))).toEqual(new Set(caught.map((m) => m.id)));
    expect(await countRows(db(), 'invitations', `id = ANY($1::uuid[]) AND status = 'sent'`, [invs.map((i) => i.id)])).toBe(60);
    expect(await countRows(db(), 'viral_events', `type = 'invitation.sent' AND invitation_id = ANY($1::uuid[])`, [invs.map((i) => i.id)])).toBe(60);
  });

  it('OUT4: a worker killed after sending, before recording, loses nothing, and the provider keeps one message', async () => {
    const [inv] = await w.push({ recipientEmail: 'crash@example.com' });
    const core = w.core({ leaseMs: 400 });
    const doomed = await claimBatch(db(), 10, core.leaseMs);
    expect(doomed.rows.map((r) => r.invitation_id)).toEqual([inv!.id]);
    const lostOutcomes = await sendClaimed(core, doomed.rows); // reached the provider; the worker dies here
    expect(w.smtp.messages.filter((m) => m.to.includes('crash@example.com'))).toHaveLength(1);

    expect((await claimBatch(db(), 10, core.leaseMs)).rows).toEqual([]); // leased: nobody else takes it yet
    await new Promise((r) => setTimeout(r, 450));
    const again = await claimBatch(db(), 10, core.leaseMs);
    expect(again.rows.map((r) => r.invitation_id)).toEqual([inv!.id]);
    await settle(core, again, await sendClaimed(core, again.rows));

    expect(w.smtp.messages.filter((m) => m.to.includes('crash@example.com'))).toHaveLength(1);
    expect(w.smtp.duplicates).toBe(1);
    expect(await delivery(inv!.id)).toMatchObject({ state: 'sent', attempts: 2 });
    expect(await status(inv!.id)).toBe('sent');
    // The dead worker's claim, if it ever came back, records nothing (its token is gone).
    const zombie = await settle(core, doomed, lostOutcomes);
    expect(zombie).toEqual({ docs: [], events: [] });
    expect(await delivery(inv!.id)).toMatchObject({ state: 'sent', attempts: 2 });
    expect(await countRows(db(), 'viral_events', `type = 'invitation.sent' AND invitation_id = $1`, [inv!.id])).toBe(1);
  });

  it('OUT5: a failing provider is retried with growing, jittered waits, then the row is dead-lettered with the reason', async () => {
    const [inv] = await w.push({ recipientEmail: 'flaky@example.com' });
    w.smtp.failNext(100, 451);
    const core = w.core({ policy: { baseMs: 50, maxMs: 1000, maxAttempts: 3 } });
    const dues: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      await expect.poll(() => runBatch(core), { timeout: 5000, interval: 20 }).toBe(1);
      const [row] = await db().query<{ wait: number }>(`SELECT extract(epoch FROM due_at - updated_at) * 1000 AS wait FROM deliveries WHERE invitation_id = $1`, [inv!.id]);
      dues.push(Number(row!.wait));
    }
    w.smtp.failNext(0);
    expect(dues[0]).toBeGreaterThanOrEqual(25 - 1);
    expect(dues[0]).toBeLessThanOrEqual(50 + 1);
    expect(dues[1]).toBeGreaterThanOrEqual(50 - 1);
    expect(dues[1]).toBeLessThanOrEqual(100 + 1);
    const dead = await delivery(inv!.id);
    expect(dead).toMatchObject({ state: 'dead', attempts: 3 });
    expect(dead!.last_error).toMatch(/try later.*gave up after 3 attempts/);
    expect(await status(inv!.id)).toBe('queued');
    const failed = (await failures()).find((e) => e.invitation_id === inv!.id);
    expect(failed?.data.reason).toBe(dead!.last_error);
    expect((await w.server.anonymous().get('/api/delivery/dead-letters')).status).toBe(401);
    expect((await w.supplier.get('/api/delivery/dead-letters')).status).toBe(403);
    await addUser(db(), { id: 'u-owner', email: 'owner@example.com', role: 'owner' });
    const owner = await w.server.as('owner@example.com', TEST_PASSWORD);
    const listed = (await owner.get('/api/delivery/dead-letters')).body.deadLetters.find((d: { invitationId: string }) => d.invitationId === inv!.id);
    expect(listed).toMatchObject({ channel: 'email', attempts: 3, reason: dead!.last_error });
    // The owner sends it again once the provider is back.
    expect((await owner.post(`/api/delivery/${listed.id}/retry`)).status).toBe(200);
    await drain();
    expect(await delivery(inv!.id)).toMatchObject({ state: 'sent' });
    expect(await status(inv!.id)).toBe('sent');
  });

  it('OUT6: a recipient the provider refuses for good is dead-lettered at once', async () => {
    w.smtp.reject('nobody@example.com');
    const [inv] = await w.push({ recipientEmail: 'nobody@example.com' });
    await drain();
    expect(await delivery(inv!.id)).toMatchObject({ state: 'dead', attempts: 1 });
    expect((await delivery(inv!.id))!.last_error).toMatch(/refused the message/);
  });

  it('the retry schedule doubles up to its cap, and the jitter keeps each wait between half and all of its step', () => {
    const policy = { baseMs: 30_000, maxMs: 3_600_000, maxAttempts: 6 };
    expect([1, 2, 3, 4, 5].map((a) => retryDelayMs(a, policy, () => 1))).toEqual([30_000, 60_000, 120_000, 240_000, 480_000]);
    expect([1, 2, 3].map((a) => retryDelayMs(a, policy, () => 0))).toEqual([15_000, 30_000, 60_000]);
    expect(retryDelayMs(20, policy, () => 1)).toBe(3_600_000);
  });
});
