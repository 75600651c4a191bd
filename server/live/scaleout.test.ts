/**
 * Two server processes on one PostgreSQL database and one Redis (issue 9, scale-out): a write
 * through one reaches the sockets held by the other (Socket.IO's Redis Streams adapter), and
 * what lives in the shared stores (sessions in PostgreSQL, rate-limit counters in Redis) is
 * the same seen from either. Two `createApp`s in one test process stand for two processes:
 * they share nothing in memory but the database pool.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { readSnapshot } from '../../shared/analytics/snapshots';
import type { InvitationDoc } from '../../shared/invitation';
import type { MetricsDoc } from '../../shared/metrics';
import type { ChangeEvent } from '../../shared/sync/socket';
import { take } from '../limits/store';
import { nextEvent, type TestSocket } from '../test/fixtures';
import { newInvitation, startTestServer, type ApiClient, type TestServer } from '../test/server';
import { TEST_REDIS_URL } from '../test/redis';


let a: TestServer;
let b: TestServer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  a = await startTestServer({ env: { REDIS_URL: TEST_REDIS_URL } });
  b = await startTestServer({ env: { REDIS_URL: TEST_REDIS_URL }, sharing: a });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await b?.close();
  await a?.close();
});

/** A socket on `server` with a session made on whichever server `client` signed in to. */
function socketOn(server: TestServer, client: ApiClient): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    const s: TestSocket = connect(server.url, { transports: ['websocket'], extraHeaders: { cookie: client.cookie! }, reconnection: false });
    sockets.push(s);
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

const has = (id: string) => (e: ChangeEvent<InvitationDoc>) => e.documents.some((d) => d.id === id);

describe('two server processes on one database and one Redis', () => {
  it("a supplier's push through server A reaches the supplier's socket on server B, and their organisation's", async () => {
    const [ritzOnA, coordinatorOnA] = await Promise.all([a.as('ritz@demo.plusone'), a.as('coordinator@demo.plusone')]);
    const [ritzSocketOnB, coordinatorSocketOnB] = await Promise.all([socketOn(b, ritzOnA), socketOn(b, coordinatorOnA)]);
    const invitation = newInvitation('u-ritz');
    const arrived = Promise.all([
      nextEvent(ritzSocketOnB, 'invitation:changed', has(invitation.id)),
      nextEvent(coordinatorSocketOnB, 'invitation:changed', has(invitation.id)),
    ]);

    const pushed = await ritzOnA.push('invitations', [{ newDocumentState: invitation }]);

    expect(pushed.body.results).toEqual([{ id: invitation.id, outcome: 'applied' }]);
    const [toRitz, toCoordinator] = await arrived;
    expect(toRitz.documents).toEqual([expect.objectContaining({ id: invitation.id, inviterId: 'u-ritz', status: 'queued' })]);
    expect(toCoordinator).toEqual(toRitz);
  });

  it("an owner's socket on server B receives the coalesced K after a write on server A", async () => {
    const [ownerOnA, photoOnA] = await Promise.all([a.as('owner@demo.plusone'), a.as('photo@demo.plusone')]);
    const ownerSocketOnB = await socketOn(b, ownerOnA);
    const before = (await ownerOnA.get('/api/viral/coefficient?windowDays=30')).body;
    const fresh = (e: ChangeEvent<MetricsDoc>) => e.documents.some((d) => d.id === 'platform:30' && readSnapshot('platform', d)?.sent === before.sent + 1);
    const arrived = nextEvent(ownerSocketOnB, 'metrics:updated', fresh);

    await photoOnA.push('invitations', [{ newDocumentState: newInvitation('u-photo') }]);

    const event = await arrived;
    const platform = readSnapshot('platform', event.documents.find((d) => d.id === 'platform:30')!)!;
    expect(platform).toMatchObject({ windowDays: 30, sent: before.sent + 1, inviters: before.inviters, accepted: before.accepted });
  });

  it('a session made on server A is signed in on server B, and signed out on both once ended on B', async () => {
    const ritzOnA = await a.as('ritz@demo.plusone');
    const me = (server: TestServer) => fetch(`${server.url}/api/auth/me`, { headers: { cookie: ritzOnA.cookie! } });

    const onB = await me(b);
    expect(onB.status).toBe(200);
    expect(await onB.json()).toMatchObject({ user: { id: 'u-ritz' } });

    const out = await fetch(`${b.url}/api/auth/logout`, { method: 'POST', headers: { cookie: ritzOnA.cookie!, 'x-plusone-csrf': '1' } });
    expect(out.status).toBeLessThan(300);
    expect((await me(a)).status).toBe(401);
    expect((await me(b)).status).toBe(401);
  });

  it('a rate limit counts the takes of both servers together', async () => {
    const rule = { points: 3, seconds: 60 };
    const name = `scaleout-${randomBytes(4).toString('hex')}`;
    const onA = a.plusone.limits.limiter(name, rule);
    const onB = b.plusone.limits.limiter(name, rule);
    expect(a.plusone.limits.kind).toBe('redis');

    const taken = [await take(onA, 'k'), await take(onB, 'k'), await take(onA, 'k'), await take(onB, 'k')];

    expect(taken.map((t) => t.ok)).toEqual([true, true, true, false]);
    expect(taken.map((t) => t.remaining)).toEqual([2, 1, 0, 0]);
  });
});
