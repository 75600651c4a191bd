/**
 * Platform K reaches owners' dashboards on every update and everyone else signed in at most
 * every METRICS_EVERYONE_MS, with the latest figures (a broadcast to every socket is the costly
 * one at 10,000 sockets).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readSnapshot } from '../../shared/analytics/snapshots';
import type { MetricsDoc } from '../../shared/metrics';
import type { ChangeEvent } from '../../shared/sync/socket';
import { nextEvent } from '../test/fixtures';
import { newInvitation, startTestServer, type TestServer } from '../test/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { METRICS_EVERYONE_MS: '60000' } });
});
afterAll(() => server?.close());

const sentIn = (e: ChangeEvent<MetricsDoc>) => readSnapshot('platform', e.documents.find((d) => d.id === 'platform:30'))?.sent ?? null;

it("owners' dashboards hear every K update; everyone else the latest, at most once per period", async () => {
  const [owner, ritz, photo] = await Promise.all(['owner', 'ritz', 'photo'].map((n) => server.as(`${n}@demo.plusone`)));
  const [ownerSocket, photoSocket] = await Promise.all([owner!.socket(), photo!.socket()]);
  const photoSaw: (number | null)[] = [];
  photoSocket.on('metrics:updated', (e) => photoSaw.push(sentIn(e)));
  const { sent } = (await owner!.get('/api/viral/coefficient')).body as { sent: number };

  for (const n of [1, 2]) {
    const heard = nextEvent(ownerSocket, 'metrics:updated', (e) => sentIn(e) === sent + n);
    await ritz!.push('invitations', [{ newDocumentState: newInvitation('u-ritz') }]);
    await heard;
  }
  // The start-up refresh used this period's broadcast: both updates wait for the next one.
  expect(photoSaw).toEqual([]);

  const latest = nextEvent(photoSocket, 'metrics:updated', (e) => sentIn(e) !== null);
  server.plusone.live.flushEveryone();
  expect(sentIn(await latest)).toBe(sent + 2);
  expect(photoSaw).toEqual([sent + 2]);
});
