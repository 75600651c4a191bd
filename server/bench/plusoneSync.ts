/**
 * PlusOne's side of the sync benchmark: the real client code (RxDB on its memory storage, the
 * replication, the SyncQueue, the socket) in this process, against a real server on the local
 * PostgreSQL at DATABASE_URL (or embedded PGlite). Same documents as the PouchDB side.
 *  - initial sync: `docs` invitations on the server, an empty client, until all are local;
 *  - drain: a client offline with `drain` queued actions (10% acceptances, P0, made last; the
 *    rest new invitations, P1) reconnects; time until nothing is pending, and whether every
 *    acceptance went before every new invitation.
 */
import { v7 as uuidv7 } from 'uuid';
import type { SessionUser } from '../../shared/roles';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { DEMO_PASSWORD, seedDemo } from '../demo/seed';
import { createLogger } from '../log';
import { insertInvitations, type NewInvitation } from '../sync/invitations';
import { freshDb } from '../test/databases';
import { benchInvitations } from './invitations';

const memory = new Map<string, string>();
(globalThis as { localStorage?: unknown }).localStorage ??= {
  getItem: (k: string) => memory.get(k) ?? null,
  setItem: (k: string, v: string) => void memory.set(k, String(v)),
  removeItem: (k: string) => void memory.delete(k),
};

export interface PlusOneTimings {
  initialSyncMs: number;
  drainMs: number;
  /** True when every acceptance reached the server before any new invitation. */
  p0First: boolean;
}

let runCount = 0;

function toRow(d: ReturnType<typeof benchInvitations>[number], inviterId: string, orgId: string | null, recipientEmail?: string): NewInvitation {
  return {
    id: d.id, inviterId, orgId, recipientEmail: recipientEmail ?? d.recipientEmail, recipientName: d.recipientName,
    relationship: d.relationship, channel: d.channel, status: recipientEmail ? 'sent' : d.status, message: d.message,
    capturedAt: d.capturedAt, deviceId: d.deviceId, writeId: d.writeId, deleted: false,
    createdAt: new Date(d.createdAt), countedAt: new Date(d.countedAt), timeSource: 'device',
  };
}

export async function measurePlusOne({ docs, drain }: { docs: number; drain: number }): Promise<PlusOneTimings> {
  const { getRxStorageMemory } = await import('rxdb/plugins/storage-memory');
  const { io } = await import('socket.io-client');
  const { openDatabase, closeDatabase } = await import('../../client/db/database');
  const { startReplications } = await import('../../client/sync/replication');
  const { httpTransport } = await import('../../client/sync/transport');
  const { NetworkError } = await import('../../client/api');
  const { createInvitation } = await import('../../client/invitations/create');
  const { newOutboxEvent } = await import('../../client/sync/queue');

  const testDb = await freshDb();
  await seedDemo(testDb.db, { scale: 0.01 });
  const acceptances = Math.round(drain / 10);
  const server = benchInvitations(docs, 1).map((d) => toRow(d, 'u-ritz', 'org-ritz'));
  const toAccept = benchInvitations(acceptances, 7).map((d) => toRow(d, 'u-photo', 'org-lumen', 'ritz@demo.plusone'));
  await testDb.db.transaction(async (tx) => {
    for (let i = 0; i < server.length; i += 1000) await insertInvitations(tx, server.slice(i, i + 1000));
    await insertInvitations(tx, toAccept);
  });
  const app = createApp({ config: loadConfig({ LOG_LEVEL: 'silent', STATIC_DIR: '/nonexistent' }), db: testDb.db, log: createLogger('silent') });
  const base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'ritz@demo.plusone', password: DEMO_PASSWORD }),
  });
  const user = ((await login.json()) as { user: SessionUser }).user;
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

  let online = true;
  const http = httpTransport({ base, headers: () => ({ cookie }) });
  const gate = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => (...a: A) => (online ? f(...a) : Promise.reject(new NetworkError('offline')));
  const transport = { pull: gate(http.pull), pushInvitations: gate(http.pushInvitations), pushEvents: gate(http.pushEvents) };
  const userKey = `${user.id}-bench${++runCount}`;
  const db = await openDatabase(userKey, { storage: getRxStorageMemory(), name: `bench${process.pid}x${runCount}`, multiInstance: false });
  const socket = io(base, { transports: ['websocket'], extraHeaders: { cookie } });
  const t0 = performance.now();
  const replications = startReplications({ db, userId: userKey, socket: socket as never, transport: transport as never, waitForLeadership: false, retryTime: 100 });
  await replications.invitations.awaitInSync();
  const initialSyncMs = performance.now() - t0;
  const local = await db.invitations.count().exec();
  if (local < docs + acceptances) throw new Error(`initial sync brought ${local} of at least ${docs + acceptances}`);

  // Offline: acceptances made after the new invitations, so only priority can put them first.
  online = false;
  socket.disconnect();
  for (let i = 0; i < drain - acceptances; i++) {
    await createInvitation(db, user, { recipientEmail: `drain.${i}.${uuidv7().slice(-8)}@guests.example`, relationship: 'past_client' });
  }
  await db.outbox.bulkInsert(toAccept.map((d) => newOutboxEvent('invitation.accepted', d.id, 'bench')));
  const order: string[] = [];
  replications.queue.onSent = (collection) => order.push(collection);
  const pending = async () =>
    (await db.invitations.count({ selector: { syncState: 'pending' } }).exec()) + (await db.outbox.count().exec());
  const t1 = performance.now();
  online = true;
  socket.connect();
  replications.queue.kick();
  // Poll gently: each look scans the local collection, and the drain shares this thread.
  while ((await pending()) > 0) await new Promise((r) => setTimeout(r, 25));
  const drainMs = performance.now() - t1;
  const p0First = order.lastIndexOf('outbox') < order.indexOf('invitations');

  await replications.cancel();
  socket.close();
  await closeDatabase(userKey);
  await app.close();
  await testDb.drop();
  return { initialSyncMs, drainMs, p0First };
}
