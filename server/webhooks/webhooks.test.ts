/**
 * Webhooks end to end: a real server, a real receiver that verifies every Standard Webhooks
 * signature with the package's `Webhook.verify` and fails on purpose, real pushes from a
 * supplier and a couple. The retry schedule is shortened (TEST_WEBHOOK_RETRY_MS) and an endpoint
 * is disabled after about 2.6 s of failing (WEBHOOK_DISABLE_AFTER_DAYS=0.00003); no assertion is
 * about timing: things "eventually" arrive.
 */
import Ajv2020 from 'ajv/dist/2020';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { ClientEvent } from '../../shared/events';
import { clientEventTypes, serverEventTypes } from '../../shared/events';
import { webhookTopicOf, type AttemptView, type EndpointView, type WebhookEventType } from '../../shared/integrations/webhooks';
import { addUser, TEST_PASSWORD } from '../test/fixtures';
import { newInvitation, startTestServer, type ApiClient, type TestServer } from '../test/server';
import { eventually, startReceiver, type Receiver } from './testReceiver';

let server: TestServer;
let receiver: Receiver;
let owner: ApiClient;
let star: ApiClient;
let bride: ApiClient;
const endpoints: Record<string, EndpointView> = {};
let acceptanceId: string;

const behaviour = (path: string) => (path === '/flaky' ? 'flaky:2' : path === '/down' ? 'down' : 'ok') as 'ok';

async function subscribe(path: string, eventTypes: WebhookEventType[], segmentIds: string[] | null = null) {
  const res = await owner.post('/api/webhooks/endpoints', { url: receiver.url(path), eventTypes, segmentIds, description: path });
  expect(res.status).toBe(201);
  receiver.trust(path, res.body.secret);
  endpoints[path] = res.body.endpoint;
}

const attempts = async (path: string): Promise<AttemptView[]> => (await owner.get(`/api/webhooks/endpoints/${endpoints[path]!.id}/attempts`)).body.attempts;

async function validator(name: string) {
  const schema = (await server.anonymous().get(`/api/schemas/${name}`)).body;
  return new Ajv2020({ strict: false, validateFormats: false }).compile(schema);
}

beforeAll(async () => {
  receiver = await startReceiver(behaviour);
  server = await startTestServer({
    demo: false,
    env: {
      WEBHOOK_POLL_MS: '20',
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_DISABLE_AFTER_DAYS: '0.00003',
      TEST_WEBHOOK_RETRY_MS: ['0', ...Array(199).fill('30')].join(','),
      DELIVERY_WORKERS: '0',
    },
  });
  const db = server.testDb.db;
  await addUser(db, { id: 'u-owner', email: 'owner@hooks.test', role: 'owner' });
  await addUser(db, { id: 'u-star', email: 'star@hooks.test', role: 'supplier', orgId: 'org-star' });
  await addUser(db, { id: 'u-bride', email: 'bride@hooks.test', role: 'couple' });
  owner = await server.as('owner@hooks.test', TEST_PASSWORD);
  star = await server.as('star@hooks.test', TEST_PASSWORD);
  bride = await server.as('bride@hooks.test', TEST_PASSWORD);
  await subscribe('/flaky', ['invitation.accepted']);
  await subscribe('/down', ['invitation.accepted']);
  await subscribe('/referrals', ['referral.attributed']);
  await subscribe('/segments', ['segment.membership_changed']);
  await subscribe('/connectors-only', ['segment.membership_changed'], ['super-connectors']);
  await subscribe('/k', ['coefficient.updated']);

  // The star invites the bride, who accepts: invitation.accepted and referral.attributed.
  const invitation = newInvitation('u-star', { recipientEmail: 'bride@hooks.test' });
  expect((await star.push('invitations', [{ newDocumentState: invitation }])).body.results[0].outcome).toBe('applied');
  acceptanceId = uuidv7();
  const accept: ClientEvent = { id: acceptanceId, type: 'invitation.accepted', invitationId: invitation.id, capturedAt: new Date().toISOString(), deviceId: 'd1' };
  expect((await bride.push('viral_events', [{ newDocumentState: accept }])).body.results[0].outcome).toBe('applied');
});
afterAll(async () => {
  await server?.close();
  await receiver?.close();
});

describe('delivery with retries', () => {
  it('an acceptance reaches a receiver that fails twice on purpose, signed, as the same message each time', async () => {
    const [payload] = await eventually('the acceptance at /flaky', () => receiver.payloads('/flaky').length > 0 && receiver.payloads('/flaky'));
    const tries = receiver.received.filter((r) => r.path === '/flaky');
    expect(tries.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(tries.every((r) => r.verified)).toBe(true);
    expect(new Set(tries.map((r) => r.headers['webhook-id']))).toEqual(new Set([acceptanceId]));
    expect(tries[0]!.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    expect(payload).toMatchObject({ id: acceptanceId, type: 'invitation.accepted', data: { inviterId: 'u-star', actorId: 'u-bride' } });
  });

  it('the delivery log shows both failures and the success, newest first, with status, latency and the answer', async () => {
    const log = await eventually('three attempts in the log', async () => {
      const a = await attempts('/flaky');
      return a.length === 3 && a;
    });
    expect(log.map((a) => [a.attempt, a.ok, a.responseStatus])).toEqual([[3, true, 200], [2, false, 500], [1, false, 500]]);
    expect(log[0]).toMatchObject({ eventId: acceptanceId, eventType: 'invitation.accepted', deliveryStatus: 'succeeded', responseExcerpt: 'thanks for 3', replay: false });
    expect(log[2]).toMatchObject({ error: 'HTTP 500', responseExcerpt: 'failing on purpose (1)' });
    for (const a of log) expect(a.latencyMs).toBeGreaterThanOrEqual(0);
    const view = (await owner.get(`/api/webhooks/endpoints/${endpoints['/flaky']!.id}`)).body.endpoint as EndpointView;
    expect(view).toMatchObject({ status: 'active', failingSince: null, deliveries: { pending: 0, succeeded: 1, failed: 0 } });
  });
});

describe('CloudEvents payloads', () => {
  it('are CloudEvents 1.0 with the event id, a source, the topic as type, a time and JSON data, and match their published schema', async () => {
    const [payload] = receiver.payloads('/flaky');
    expect(payload).toEqual({
      specversion: '1.0',
      id: acceptanceId,
      source: '/plusone/viral-events',
      type: 'invitation.accepted',
      subject: expect.any(String),
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      datacontenttype: 'application/json',
      dataschema: 'urn:plusone:schema:invitation.accepted:v1#/properties/data',
      data: expect.objectContaining({ invitationId: payload.subject, actorId: 'u-bride', inviterId: 'u-star', orgId: 'org-star' }),
    });
    const validate = await validator('invitation.accepted');
    expect(validate(payload), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...payload, specversion: '0.3' })).toBe(false);
  });
});

describe('subscriptions', () => {
  it('an endpoint gets only the types it picked: the attribution goes to /referrals, the acceptance does not', async () => {
    const [attributed] = await eventually('the attribution', () => receiver.payloads('/referrals').length > 0 && receiver.payloads('/referrals'));
    expect(attributed).toMatchObject({ type: 'referral.attributed', data: { referrerId: 'u-star', referredId: 'u-bride', channel: 'email' } });
    expect(receiver.payloads('/referrals').map((p) => p.type)).toEqual(['referral.attributed']);
    expect(receiver.payloads('/flaky').map((p) => p.type)).toEqual(['invitation.accepted']);
    const validate = await validator('referral.attributed.v1');
    expect(validate(attributed), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the topic of each recorded event type is the same in SQL (the trigger) and in shared/', async () => {
    for (const type of [...clientEventTypes, ...serverEventTypes, 'coefficient.updated', 'something.else']) {
      const [row] = await server.testDb.db.query<{ topic: string | null }>('SELECT webhook_topic($1) AS topic', [type]);
      expect(row!.topic, type).toBe(webhookTopicOf(type));
    }
  });
});

describe('marketing feed', () => {
  it('a segment membership change reaches its subscribers (not those filtered to other segments) and shows on the marketing feed', async () => {
    const created = await owner.post('/api/segments', { name: 'Couples', rule: { combinator: 'and', conditions: [{ field: 'role', operator: 'eq', value: 'couple' }] } });
    expect(created.status).toBe(201);
    const segmentId = created.body.segment.id as string;
    const joined = await eventually('the join', () => receiver.payloads('/segments').find((p) => p.data.segmentId === segmentId));
    expect(joined).toMatchObject({ type: 'segment.membership_changed', subject: segmentId, data: { userId: 'u-bride', change: 'joined', segmentName: 'Couples' } });
    const validate = await validator('segment.membership_changed');
    expect(validate(joined), JSON.stringify(validate.errors)).toBe(true);

    const feed = (await owner.get('/api/marketing/feed')).body.segments as { segmentId: string; recent: { userId: string; change: string }[]; endpoints: { url: string }[] }[];
    const couples = feed.find((s) => s.segmentId === segmentId)!;
    expect(couples.recent).toEqual([expect.objectContaining({ userId: 'u-bride', change: 'joined', name: 'u-bride' })]);
    expect(couples.endpoints.map((e) => e.url)).toEqual([receiver.url('/segments')]);
    expect(feed.find((s) => s.segmentId === 'super-connectors')!.endpoints.map((e) => e.url)).toEqual([receiver.url('/segments'), receiver.url('/connectors-only')]);

    expect((await fetch(`${server.url}/api/segments/${segmentId}`, { method: 'DELETE', headers: { cookie: owner.cookie!, 'x-plusone-csrf': '1' } })).status).toBe(200);
    await eventually('the leave', () => receiver.payloads('/segments').find((p) => p.data.segmentId === segmentId && p.data.change === 'left'));
    expect(receiver.received.filter((r) => r.path === '/connectors-only')).toEqual([]);
  });

  it('a change of K goes to coefficient.updated subscribers with the window and its figures, once 5 people invite (privacy)', async () => {
    // One inviter so far: K over fewer than 5 people is suppressed, so nothing was sent. Four more.
    for (let i = 0; i < 4; i++) {
      await addUser(server.testDb.db, { id: `u-k${i}`, email: `k${i}@hooks.test`, role: 'supplier' });
      const inviter = await server.as(`k${i}@hooks.test`, TEST_PASSWORD);
      expect((await inviter.push('invitations', [{ newDocumentState: newInvitation(`u-k${i}`) }])).body.results[0].outcome).toBe('applied');
    }
    const k = await eventually('coefficient.updated', () => receiver.payloads('/k').find((p) => p.data.windowDays === 30 && p.data.inviters === 5));
    expect(k).toMatchObject({ type: 'coefficient.updated', source: '/plusone/metrics/platform:30', data: { inviters: 5, sent: 5, accepted: 1, k: 0.2 } });
    expect(receiver.payloads('/k').filter((p) => p.data.inviters < 5)).toEqual([]);
    const validate = await validator('coefficient.updated');
    expect(validate(k), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('replay', () => {
  it('any event can be sent again to an endpoint, as the same message, and the log marks it a replay', async () => {
    const path = '/referrals';
    const before = receiver.payloads(path).length;
    const res = await owner.post(`/api/webhooks/endpoints/${endpoints[path]!.id}/replay`, { eventId: acceptanceId });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ eventType: 'invitation.accepted' });
    const again = await eventually('the replay', () => receiver.payloads(path).length > before && receiver.payloads(path).at(-1));
    expect(again).toEqual(receiver.payloads('/flaky')[0]);
    expect(receiver.received.filter((r) => r.path === path).at(-1)!.headers['webhook-id']).toBe(acceptanceId);
    const log = await eventually('the replay in the log', async () => (await attempts(path)).find((a) => a.replay && a.ok));
    expect(log).toMatchObject({ eventId: acceptanceId, deliveryStatus: 'succeeded' });

    expect((await owner.post(`/api/webhooks/endpoints/${endpoints[path]!.id}/replay`, { eventId: uuidv7() })).status).toBe(404);
    expect((await owner.post(`/api/webhooks/endpoints/${endpoints[path]!.id}/replay`, { eventId: 'nope' })).status).toBe(400);
  });

  it('a delivery whose worker died mid-attempt is sent when its lease runs out', async () => {
    const db = server.testDb.db;
    const before = receiver.payloads('/referrals').length;
    await db.query(
      `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, attempts, lease, next_attempt_at)
       VALUES ($1, $2, 'invitation.accepted', 1, 'a-dead-worker', now() - interval '1 second')`,
      [endpoints['/referrals']!.id, acceptanceId],
    );
    await eventually('the orphaned delivery', () => receiver.payloads('/referrals').length > before);
  });
});

describe('disabling', () => {
  it('an endpoint failing continuously is disabled with a webhook.endpoint_disabled event and a notice to the owner', async () => {
    const id = endpoints['/down']!.id;
    const view = await eventually('the endpoint disabled', async () => {
      const e = (await owner.get(`/api/webhooks/endpoints/${id}`)).body.endpoint as EndpointView;
      return e.status === 'disabled' && e;
    });
    expect(view.disabledReason).toMatch(/every delivery failed for/);
    expect(receiver.received.filter((r) => r.path === '/down').every((r) => r.verified && r.status === 500)).toBe(true);
    const [event] = await server.testDb.db.query<{ data: { endpointId: string; url: string } }>(
      "SELECT data FROM viral_events WHERE type = 'webhook.endpoint_disabled'",
    );
    expect(event!.data).toMatchObject({ endpointId: id, url: receiver.url('/down') });
    expect((await owner.get('/api/webhooks/notices')).body.notices).toEqual([expect.objectContaining({ endpointId: id, url: receiver.url('/down') })]);

    // Disabled: nothing more is queued for it; enabled again: the notice goes away.
    const queued = (await server.testDb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1', [id]))[0]!.n;
    const invitation = newInvitation('u-star', { recipientEmail: 'bride@hooks.test' });
    await star.push('invitations', [{ newDocumentState: invitation }]);
    await bride.push('viral_events', [{ newDocumentState: { id: uuidv7(), type: 'invitation.accepted', invitationId: invitation.id, capturedAt: new Date().toISOString(), deviceId: 'd1' } }]);
    await eventually('the second acceptance at /flaky', () => receiver.payloads('/flaky').length === 2);
    expect((await server.testDb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1', [id]))[0]!.n).toBe(queued);
    expect((await owner.post(`/api/webhooks/endpoints/${id}/enable`)).body.endpoint).toMatchObject({ status: 'active', failingSince: null });
    expect((await owner.get('/api/webhooks/notices')).body.notices).toEqual([]);
  });
});
