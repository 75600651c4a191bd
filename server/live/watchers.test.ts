/**
 * Every open ViralDashboard hears every platform-K update (issue 6 point 2: "an acceptance
 * changes K on every open dashboard within 1 s"), not only owners': the screen asks with
 * `dashboard:watch`, and other screens keep the METRICS_EVERYONE_MS throttle (set to a minute
 * here, so an update that reaches a socket before the throttle's flush came through the
 * watchers' room). A socket's events arrive in the order the server emitted them, so "nothing
 * before the flush" is checked by recording everything and flushing, never by waiting a while.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { readSnapshot } from '../../shared/analytics/snapshots';
import type { MetricsDoc } from '../../shared/metrics';
import type { ChangeEvent, WatchAnswer } from '../../shared/sync/socket';
import { rooms } from '../../shared/sync/socket';
import { addUser, nextEvent, type TestSocket } from '../test/fixtures';
import { newInvitation, startTestServer, type ApiClient, type TestServer } from '../test/server';

let server: TestServer;
let ritz: ApiClient;
let couple: ApiClient;
let photo: ApiClient;
let florist: ApiClient;
beforeAll(async () => {
  server = await startTestServer({ env: { METRICS_EVERYONE_MS: '60000' } });
  await addUser(server.testDb.db, { id: 'u-florist', email: 'florist@watchers.test', role: 'supplier', orgId: 'org-florist' });
  [ritz, couple, photo, florist] = await Promise.all([
    server.as('ritz@demo.plusone'),
    server.as('couple@demo.plusone'),
    server.as('photo@demo.plusone'),
    server.as('florist@watchers.test', 'test-password'),
  ]);
});
afterAll(() => server?.close());

const acceptedIn = (e: ChangeEvent<MetricsDoc>) => readSnapshot('platform', e.documents.find((d) => d.id === 'platform:30'))?.accepted ?? null;

const ask = (socket: TestSocket, event: 'dashboard:watch' | 'dashboard:unwatch') =>
  new Promise<WatchAnswer>((resolve) => socket.emit(event, resolve));

/** Whether the server has this socket in the watchers' room (its state, not a guess from timing). */
const watching = (socket: TestSocket) => server.plusone.live.io.of('/').sockets.get(socket.id!)?.rooms.has(rooms.watchers) ?? false;

/** Records what a socket hears, to show later what it heard before a given event. */
function record(socket: TestSocket): (number | null)[] {
  const heard: (number | null)[] = [];
  socket.on('metrics:updated', (e) => heard.push(acceptedIn(e)));
  return heard;
}

async function platformAccepted(): Promise<number> {
  return (await ritz.get('/api/viral/coefficient?windowDays=30')).body.accepted as number;
}

/** Ritz invites the demo couple, who accept: another user's acceptance, one more accepted invitation in every window. */
async function acceptance(): Promise<void> {
  const inv = newInvitation('u-ritz', { recipientEmail: 'couple@demo.plusone' });
  expect((await ritz.push('invitations', [{ newDocumentState: inv }])).body).toEqual({ results: [{ id: inv.id, outcome: 'applied' }] });
  const accept = { id: uuidv7(), type: 'invitation.accepted', invitationId: inv.id, capturedAt: new Date().toISOString(), deviceId: 'couple-phone' };
  expect((await couple.push('viral_events', [{ newDocumentState: accept }])).body).toEqual({ results: [{ id: accept.id, outcome: 'applied' }] });
}

/** Flushes the throttled broadcast and waits until `socket` has heard it: everything it heard before is in `heard` then. */
async function flushTo(socket: TestSocket, accepted: number): Promise<void> {
  const flushed = nextEvent(socket, 'metrics:updated', (e) => acceptedIn(e) === accepted);
  server.plusone.live.flushEveryone();
  await flushed;
}

describe('dashboard watchers', () => {
  it('LIVE4: a supplier watching the dashboard gets the new K after another user\'s acceptance; one not watching waits for the throttle', async () => {
    const [watcher, other] = await Promise.all([photo.socket(), florist.socket()]);
    const otherHeard = record(other);
    expect(await ask(watcher, 'dashboard:watch')).toEqual({ ok: true, watching: true });
    const before = await platformAccepted();

    const heard = nextEvent(watcher, 'metrics:updated', (e) => acceptedIn(e) === before + 1);
    await acceptance();
    expect(acceptedIn(await heard)).toBe(before + 1);

    // Had the update gone to the other socket too, it would have arrived before the flush's.
    await flushTo(other, before + 1);
    expect(otherHeard).toEqual([before + 1]);
  });

  it('LIVE4: watching is idempotent, unwatching returns the socket to the throttle, and requests are handled in the order sent', async () => {
    const socket = await photo.socket();
    expect(await ask(socket, 'dashboard:watch')).toEqual({ ok: true, watching: true });
    expect(await ask(socket, 'dashboard:watch')).toEqual({ ok: true, watching: true });
    expect(watching(socket)).toBe(true);
    // Twice watched is watched once: one unwatch is enough.
    expect(await ask(socket, 'dashboard:unwatch')).toEqual({ ok: true, watching: false });
    expect(watching(socket)).toBe(false);
    expect(await ask(socket, 'dashboard:unwatch')).toEqual({ ok: true, watching: false });

    // A mount and an unmount sent back to back (the watch checks the session first): unwatched.
    const [, last] = await Promise.all([ask(socket, 'dashboard:watch'), ask(socket, 'dashboard:unwatch')]);
    expect(last).toEqual({ ok: true, watching: false });
    expect(watching(socket)).toBe(false);

    const heard = record(socket);
    const owner = await (await server.as('owner@demo.plusone')).socket();
    const before = await platformAccepted();
    const ownerHeard = nextEvent(owner, 'metrics:updated', (e) => acceptedIn(e) === before + 1);
    await acceptance();
    await ownerHeard;
    await flushTo(socket, before + 1);
    expect(heard).toEqual([before + 1]);
  });

  it('LIVE4: a new connection (a reconnect) watches nothing until it asks again', async () => {
    const first = await photo.socket();
    expect(await ask(first, 'dashboard:watch')).toEqual({ ok: true, watching: true });
    first.disconnect();
    const again = await photo.socket();
    expect(watching(again)).toBe(false);
    expect(await ask(again, 'dashboard:watch')).toEqual({ ok: true, watching: true });
    expect(watching(again)).toBe(true);
  });

  it('LIVE4: a socket whose session has expired is refused, and not joined', async () => {
    const client = await server.as('photo@demo.plusone');
    const socket = await client.socket();
    const tokenHash = createHash('sha256').update(client.cookie!.split('=')[1]!).digest('hex');
    expect(await server.testDb.db.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1 RETURNING user_id`, [tokenHash])).toEqual([
      { user_id: 'u-photo' },
    ]);
    expect(await ask(socket, 'dashboard:watch')).toEqual({ ok: false, code: 'UNAUTHENTICATED', message: 'the session has ended: sign in again' });
    expect(watching(socket)).toBe(false);
  });
});
