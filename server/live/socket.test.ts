import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { InvitationDoc } from '../../shared/invitation';
import { readSnapshot } from '../../shared/analytics/snapshots';
import { MetricsDoc } from '../../shared/metrics';
import type { ChangeEvent } from '../../shared/sync/socket';
import { SESSION_COOKIE } from '../auth/sessions';
import { nextEvent } from '../test/fixtures';
import { newInvitation, startTestServer, type ApiClient, type TestServer } from '../test/server';

let server: TestServer;
let ritz: ApiClient;
let photo: ApiClient;
beforeAll(async () => {
  server = await startTestServer();
  [ritz, photo] = await Promise.all([server.as('ritz@demo.plusone'), server.as('photo@demo.plusone')]);
});
afterAll(() => server?.close());

const has = (id: string) => (e: ChangeEvent<InvitationDoc>) => e.documents.some((d) => d.id === id);

describe('live changes', () => {
  it('after a push, every signed-in dashboard receives metrics:updated with the new figures', async () => {
    const owner = await server.as('owner@demo.plusone');
    const [ownerSocket, photoSocket] = await Promise.all([owner.socket(), photo.socket()]);
    const before = (await owner.get('/api/viral/coefficient?windowDays=30')).body;
    const fresh = (e: ChangeEvent<MetricsDoc>) =>
      e.documents.some((d) => d.id === 'platform:30' && readSnapshot('platform', d)?.sent === before.sent + 1);
    const events = Promise.all([nextEvent(ownerSocket, 'metrics:updated', fresh), nextEvent(photoSocket, 'metrics:updated', fresh)]);

    await ritz.push('invitations', [{ newDocumentState: newInvitation('u-ritz') }]);

    const [ownerEvent] = await events;
    const doc = readSnapshot('platform', MetricsDoc.parse(ownerEvent.documents.find((d) => d.id === 'platform:30')))!;
    expect(doc).toMatchObject({ windowDays: 30, inviters: before.inviters, accepted: before.accepted, sent: before.sent + 1 });
    expect(doc.k).toBeCloseTo(before.accepted / before.inviters, 12);
  });

  it('invitation:changed reaches the inviter and their organisation, not another supplier', async () => {
    const coordinator = await server.as('coordinator@demo.plusone');
    const [ritzSocket, coordinatorSocket, photoSocket] = await Promise.all([ritz.socket(), coordinator.socket(), photo.socket()]);
    const photoSaw: ChangeEvent<InvitationDoc>[] = [];
    photoSocket.on('invitation:changed', (e) => photoSaw.push(e));

    const ritzInv = newInvitation('u-ritz');
    const toRitz = Promise.all([nextEvent(ritzSocket, 'invitation:changed', has(ritzInv.id)), nextEvent(coordinatorSocket, 'invitation:changed', has(ritzInv.id))]);
    await ritz.push('invitations', [{ newDocumentState: ritzInv }]);
    const [ritzEvent, coordinatorEvent] = await toRitz;
    expect(ritzEvent.documents).toEqual([expect.objectContaining({ id: ritzInv.id, inviterId: 'u-ritz', orgId: 'org-ritz', status: 'queued' })]);
    expect(coordinatorEvent).toEqual(ritzEvent);

    // Photo's own change is emitted after ritz's; a socket's events arrive in order, so had
    // ritz's change been sent to photo, it would have arrived first.
    const photoInv = newInvitation('u-photo');
    const toPhoto = nextEvent(photoSocket, 'invitation:changed', has(photoInv.id));
    await photo.push('invitations', [{ newDocumentState: photoInv }]);
    await toPhoto;
    expect(photoSaw.flatMap((e) => e.documents.map((d) => d.id))).toEqual([photoInv.id]);
  });

  it('a socket without a valid session is refused at the handshake', async () => {
    await expect(server.anonymous().socket()).rejects.toThrow('UNAUTHENTICATED');

    const forged = connect(server.url, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie: `${SESSION_COOKIE}=forged` } });
    try {
      await expect(new Promise((resolve, reject) => {
        forged.once('connect', () => resolve('connected'));
        forged.once('connect_error', reject);
      })).rejects.toThrow('UNAUTHENTICATED');
    } finally {
      forged.close();
    }

    const couple = await server.as('couple@demo.plusone');
    await couple.post('/api/auth/logout');
    await expect(couple.socket()).rejects.toThrow('UNAUTHENTICATED');
  });
});
