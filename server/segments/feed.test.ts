/**
 * The marketing feed within a second (issue 7 point 11): a write that changes someone's segment
 * membership is followed by its segment.joined event, delivered to webhook subscribers, on the
 * publisher's touched pass, not the slow one. The slow pass is set an hour away here, and a
 * change that only a full refresh would find (a tier set behind the server's back) is still
 * unrecorded when the join arrives: the proof that the full refresh did not run.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { SegmentsData } from '../../shared/analytics/snapshots';
import { addUser, nextEvent, TEST_PASSWORD } from '../test/fixtures';
import { newInvitation, startTestServer, type TestServer } from '../test/server';
import { eventually, startReceiver, type Receiver } from '../webhooks/testReceiver';
import { segmentEvents, setTier } from './segmentsFixtures';

let server: TestServer;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver(() => 'ok');
  server = await startTestServer({ demo: false, env: { METRICS_SLOW_MS: '3600000', WEBHOOK_POLL_MS: '20' } });
  const db = server.testDb.db;
  await addUser(db, { id: 'u-owner', email: 'owner@feed.test', role: 'owner' });
  await addUser(db, { id: 'u-venue', email: 'venue@feed.test', role: 'supplier', orgId: 'org-venue' });
  await addUser(db, { id: 'u-pair', email: 'pair@feed.test', role: 'couple' });
  await addUser(db, { id: 'u-quiet', email: 'quiet@feed.test', role: 'supplier', orgId: 'org-quiet' });
  const owner = await server.as('owner@feed.test', TEST_PASSWORD);
  const res = await owner.post('/api/webhooks/endpoints', { url: receiver.url('/segments'), eventTypes: ['segment.membership_changed'], segmentIds: null, description: 'marketing' });
  expect(res.status).toBe(201);
  receiver.trust('/segments', res.body.secret);
});
afterAll(async () => {
  await server?.close();
  await receiver?.close();
});

it('an acceptance makes the couple Newly Referred: segment.joined reaches the subscriber on the touched pass, before any full refresh', async () => {
  const db = server.testDb.db;
  const [venue, pair, owner] = await Promise.all([
    server.as('venue@feed.test', TEST_PASSWORD),
    server.as('pair@feed.test', TEST_PASSWORD),
    server.as('owner@feed.test', TEST_PASSWORD),
  ]);
  // Only a full refresh would find this one: no write names u-quiet.
  await setTier(db, 'u-quiet', 'gold', 40);
  expect(await segmentEvents(db, 'u-pair')).toEqual([]);

  const invitation = newInvitation('u-venue', { recipientEmail: 'pair@feed.test' });
  expect((await venue.push('invitations', [{ newDocumentState: invitation }])).body.results[0].outcome).toBe('applied');
  const ownerSocket = await owner.socket();
  const snapshot = nextEvent(ownerSocket, 'metrics:updated', (e) =>
    e.documents.some((d) => d.id === 'segments' && SegmentsData.parse(d.data).segments.find((s) => s.id === 'newly-referred')?.members === 1),
  );
  const accept = { id: uuidv7(), type: 'invitation.accepted', invitationId: invitation.id, capturedAt: new Date().toISOString(), deviceId: 'pair-phone' };
  expect((await pair.push('viral_events', [{ newDocumentState: accept }])).body.results[0].outcome).toBe('applied');

  const joined = await eventually('the join at /segments', () =>
    receiver.payloads('/segments').find((p) => p.data.userId === 'u-pair' && p.data.segmentId === 'newly-referred'),
  );
  expect(joined).toMatchObject({ type: 'segment.membership_changed', data: { change: 'joined', segmentName: 'Newly Referred' } });
  expect(await segmentEvents(db, 'u-pair')).toEqual([{ type: 'segment.joined', segmentId: 'newly-referred', actor_id: 'u-pair', inviter_id: 'u-pair' }]);
  // The owner's marketing screen hears the new size with it.
  await snapshot;
  // The full refresh has not run: the quiet supplier's tier is still unrecorded.
  expect(await segmentEvents(db, 'u-quiet')).toEqual([]);

  // The slow pass, when it comes, records that one and nothing twice.
  await server.plusone.metrics.settle();
  expect((await segmentEvents(db, 'u-quiet')).map((e) => e.segmentId)).toEqual(['super-connectors']);
  expect((await segmentEvents(db, 'u-pair')).length).toBe(1);
});
