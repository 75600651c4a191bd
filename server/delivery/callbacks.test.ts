/**
 * Status callbacks and opens (README rules CB1–CB5): what providers report after a send, and a
 * recipient's click, move the invitation along the lattice and reach the inviter's screen
 * live. A real server runs its workers against the local Twilio- and WhatsApp-shaped peers,
 * which post signed callbacks the way the providers do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, nextEvent, TEST_PASSWORD, type TestSocket } from '../test/fixtures';
import { newInvitation, startTestServer, type ApiClient, type TestServer } from '../test/server';
import { twilioSignature } from './signatures';

let server: TestServer;
let supplier: ApiClient;
let socket: TestSocket;

beforeAll(async () => {
  server = await startTestServer({ demo: false, env: { DELIVERY_WORKERS: '1', DELIVERY_POLL_MS: '20' } });
  await addUser(server.testDb.db, { id: 'u-cb', email: 'cb@example.com', role: 'supplier', orgId: 'org-cb' });
  supplier = await server.as('cb@example.com', TEST_PASSWORD);
  socket = (await supplier.socket()) as TestSocket;
});
afterAll(() => server?.close());

const peers = () => server.plusone.delivery.peers;
const push = async (over: Parameters<typeof newInvitation>[1]) => {
  const inv = newInvitation('u-cb', over);
  const res = await supplier.push('invitations', [{ newDocumentState: inv, assumedMasterState: null }]);
  expect(res.body.results?.[0]?.outcome, JSON.stringify(res.body)).toBe('applied');
  return inv;
};
const liveStatus = (id: string, status: string) =>
  nextEvent(socket, 'invitation:changed', (p) => p.documents.some((d) => d.id === id && d.status === status), 10_000);
const dbRow = async (id: string) =>
  (await server.testDb.db.query<{ status: string; state: string; last_error: string | null }>(
    'SELECT i.status, d.state, d.last_error FROM invitations i JOIN deliveries d ON d.invitation_id = i.id WHERE i.id = $1',
    [id],
  ))[0];

describe('delivery callbacks and opens', () => {
  it('CB1: an SMS goes queued → sent → delivered, each step live on the supplier’s socket (signed Twilio StatusCallback)', async () => {
    const inv = newInvitation('u-cb', { channel: 'sms', recipientPhone: '+447911123401' });
    const sent = liveStatus(inv.id, 'sent');
    const delivered = liveStatus(inv.id, 'delivered');
    expect((await supplier.push('invitations', [{ newDocumentState: inv, assumedMasterState: null }])).body.results[0].outcome).toBe('applied');
    await sent;
    await delivered;
    expect(await dbRow(inv.id)).toMatchObject({ status: 'delivered', state: 'delivered' });
    expect(peers().twilio!.callbackStatuses.every((s) => s === 204)).toBe(true);
  });

  it('CB2: an SMS the handset never gets is dead-lettered with the provider’s reason, and the invitation keeps its status', async () => {
    peers().twilio!.undeliverable('+447911123402');
    const failed = nextEvent(socket, 'viral_event:created', (p) => p.documents.some((e) => e.type === 'invitation.delivery_failed'), 10_000);
    const inv = await push({ channel: 'sms', recipientPhone: '+447911123402' });
    const event = (await failed).documents.find((e) => e.invitationId === inv.id)!;
    expect(event.data.reason).toMatch(/could not deliver it: Twilio error 30003/);
    expect(await dbRow(inv.id)).toMatchObject({ status: 'sent', state: 'dead' });
  });

  it('CB3: a callback without a valid X-Twilio-Signature is refused and changes nothing', async () => {
    const inv = await push({ channel: 'sms', recipientPhone: '+447911123403' });
    await expect.poll(async () => (await dbRow(inv.id))?.state, { timeout: 10_000 }).toBe('delivered');
    const [d] = await server.testDb.db.query<{ id: string; provider_id: string }>('SELECT id, provider_id FROM deliveries WHERE invitation_id = $1', [inv.id]);
    const url = `${server.url}/hooks/twilio/status/${d!.id}`;
    const params = { MessageSid: d!.provider_id, MessageStatus: 'failed', ErrorCode: '30008' };
    const post = (signature: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(params) });
    expect((await post(twilioSignature('not-the-token', url, params))).status).toBe(403);
    expect((await post('')).status).toBe(403);
    // Correctly signed, a late "failed" after "delivered" changes nothing either.
    expect((await post(twilioSignature(peers().twilio!.authToken, url, params))).status).toBe(204);
    expect(await dbRow(inv.id)).toMatchObject({ status: 'delivered', state: 'delivered' });
  });

  it('CB4: WhatsApp status webhooks (X-Hub-Signature-256) deliver, fail, and refuse a bad signature', async () => {
    const ok = await push({ channel: 'whatsapp', recipientPhone: '+447911123404' });
    await expect.poll(async () => (await dbRow(ok.id))?.status, { timeout: 10_000 }).toBe('delivered');
    peers().whatsapp!.undeliverable('+447911123405');
    const lost = await push({ channel: 'whatsapp', recipientPhone: '+447911123405' });
    await expect.poll(async () => (await dbRow(lost.id))?.state, { timeout: 10_000 }).toBe('dead');
    expect((await dbRow(lost.id))!.last_error).toMatch(/WhatsApp error 131026/);
    const forged = await fetch(`${server.url}/hooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' }, body: '{"entry":[]}' });
    expect(forged.status).toBe(403);
  });

  it('CB5: following the tracked link moves the invitation to opened, live, once', async () => {
    const inv = await push({ recipientEmail: 'opens@example.com' });
    await expect.poll(async () => (await dbRow(inv.id))?.status, { timeout: 10_000 }).toBe('sent');
    const mail = await peers().smtp!.waitFor((m) => m.to.includes('opens@example.com'));
    const link = /https?:\/\/\S+\/i\/[A-Za-z0-9_-]{22}/.exec(mail.raw.replace(/=\r?\n/g, ''))![0];
    expect(link).toBe(`${server.url}/i/${inv.inviteCode}`);
    const opened = liveStatus(inv.id, 'opened');
    const res = await fetch(link, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`/invite/${inv.inviteCode}`);
    await opened;
    await fetch(link, { redirect: 'manual' });
    const events = await server.testDb.db.query(`SELECT 1 FROM viral_events WHERE type = 'invitation.opened' AND invitation_id = $1`, [inv.id]);
    expect(events).toHaveLength(1);
  });

  it('demo mode: with no SMTP_URL the owner reads the caught mail at /api/dev/mailbox', async () => {
    await push({ recipientEmail: 'mailbox@example.com' });
    await peers().smtp!.waitFor((m) => m.to.includes('mailbox@example.com'));
    expect((await supplier.get('/api/dev/mailbox')).status).toBe(403);
    await addUser(server.testDb.db, { id: 'u-cb-owner', email: 'cb-owner@example.com', role: 'owner' });
    const owner = await server.as('cb-owner@example.com', TEST_PASSWORD);
    const box = await owner.get('/api/dev/mailbox');
    expect(box.body.messages.find((m: { to: string[] }) => m.to.includes('mailbox@example.com'))).toMatchObject({ subject: expect.stringContaining('invites you') });
  });
});
