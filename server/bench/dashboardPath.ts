/**
 * "An acceptance → K updated on a connected dashboard" (issue 6), end to end on the analytics
 * bench's database: the metrics publisher and the live Socket.IO server wired as createApp wires
 * them (METRICS_COALESCE_MS 250, METRICS_SLOW_MS 2000, METRICS_EVERYONE_MS 3000, no snapshot
 * sources), and a real Socket.IO client signed in as a supplier whose ViralDashboard watches
 * (`dashboard:watch`). Each round commits one acceptance, marks the metrics dirty with the
 * users it touched (as the push route does after its commit), and times from the commit to the
 * client receiving `platform:30` with the new acceptance in it. One round at a time.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { readSnapshot } from '../../shared/analytics/snapshots';
import type { ClientToServerEvents, ServerToClientEvents, WatchAnswer } from '../../shared/sync/socket';
import { createSession, SESSION_COOKIE } from '../auth/sessions';
import type { Db } from '../db/db';
import { installLive } from '../live/socket';
import { createLogger } from '../log';
import { MetricsPublisher } from '../viral/metricsPublisher';

export interface Accepted {
  inviterId: string;
  email: string;
}

const COALESCE_MS = 250;
const EVERYONE_MS = 3000;
const WAIT_MS = 30_000;

/** Milliseconds from each acceptance's commit to the watching client holding the new platform K (`warmup` rounds first, not returned). */
export async function dashboardPath(db: Db, accept: () => Promise<Accepted>, viewerId: string, rounds: number, warmup: number): Promise<number[]> {
  const http = createServer();
  const live = installLive(http, db, { everyoneEveryMs: EVERYONE_MS });
  const metrics = new MetricsPublisher(db, COALESCE_MS, (docs) => live.metricsUpdated(docs), createLogger('silent'));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const token = await createSession(db, viewerId, 1);
  const client: Socket<ServerToClientEvents, ClientToServerEvents> = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
    transports: ['websocket'],
    extraHeaders: { cookie: `${SESSION_COOKIE}=${token}` },
    reconnection: false,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('connect_error', reject);
    });
    const answer = await new Promise<WatchAnswer>((resolve) => client.emit('dashboard:watch', resolve));
    if (!answer.ok) throw new Error(`dashboard:watch refused: ${answer.message}`);

    // The latest platform:30 acceptance count the client has heard of, and who waits for a higher one.
    let heard = -1;
    let waiting: { above: number; resolve: () => void } | null = null;
    client.on('metrics:updated', (e) => {
      const accepted = readSnapshot('platform', e.documents.find((d) => d.id === 'platform:30'))?.accepted;
      if (typeof accepted !== 'number') return;
      heard = Math.max(heard, accepted);
      if (waiting && heard > waiting.above) waiting.resolve();
    });
    const heardAbove = (above: number) =>
      new Promise<void>((resolve, reject) => {
        if (heard > above) return resolve();
        const timer = setTimeout(() => reject(new Error(`no platform K with more than ${above} acceptances within ${WAIT_MS} ms`)), WAIT_MS);
        waiting = { above, resolve: () => (clearTimeout(timer), (waiting = null), resolve()) };
      });

    // Where the client stands before the first round: the publisher's first platform refresh.
    metrics.markDirty();
    await heardAbove(-1);
    const out: number[] = [];
    for (let i = 0; i < warmup + rounds; i++) {
      const before = heard;
      const touched = await accept();
      const committed = performance.now();
      metrics.markDirty({ userIds: [touched.inviterId], emails: [touched.email] });
      await heardAbove(before);
      if (i >= warmup) out.push(performance.now() - committed);
    }
    return out;
  } finally {
    client.close();
    metrics.stop();
    await metrics.settle();
    await new Promise<void>((resolve) => live.io.close(() => resolve()));
    if (http.listening) await new Promise<void>((resolve) => http.close(() => resolve()));
  }
}
