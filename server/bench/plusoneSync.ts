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
import { createApp } from '../app';
import { loadConfig } from '../config';
import { DEMO_PASSWORD, seedDemo } from '../demo/seed';
import { createLogger } from '../log';
import { insertInvitations, type NewInvitation } from '../sync/invitations';
import { freshDb } from '../test/databases';
import { openNodeClient } from '../test/nodeClient';
import { benchInvitations } from './invitations';

export interface PlusOneTimings {
  initialSyncMs: number;
  drainMs: number;
  /** True when every acceptance reached the server before any new invitation. */
  p0First: boolean;
}


function toRow(d: ReturnType<typeof benchInvitations>[number], inviterId: string, orgId: string | null, recipientEmail?: string): NewInvitation {
  return {
    id: d.id, inviterId, orgId, recipientEmail: recipientEmail ?? d.recipientEmail, recipientName: d.recipientName,
    relationship: d.relationship, channel: d.channel, status: recipientEmail ? 'sent' : d.status, message: d.message,
    capturedAt: d.capturedAt, deviceId: d.deviceId, writeId: d.writeId, deleted: false,
    createdAt: new Date(d.createdAt), countedAt: new Date(d.countedAt), timeSource: 'device',
  };
}

export async function measurePlusOne({ docs, drain }: { docs: number; drain: number }): Promise<PlusOneTimings> {
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
  const app = createApp({ config: loadConfig({ LOG_LEVEL: 'silent', STATIC_DIR: '/nonexistent', DELIVERY_WORKERS: '0', TEST_RATE_LIMITS: 'off', TEST_FRAUD_GATE: 'off' }), db: testDb.db, log: createLogger('silent') });
  const base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  const t0 = performance.now();
  const client = await openNodeClient(base, 'ritz@demo.plusone', DEMO_PASSWORD);
  const { db, replications } = client;
  await replications.invitations.awaitInSync();
  const initialSyncMs = performance.now() - t0;
  const local = await db.invitations.count().exec();
  if (local < docs + acceptances) throw new Error(`initial sync brought ${local} of at least ${docs + acceptances}`);

  // Offline: acceptances made after the new invitations, so only priority can put them first.
  client.offline();
  for (let i = 0; i < drain - acceptances; i++) {
    await client.invite(`drain.${i}.${uuidv7().slice(-8)}@guests.example`);
  }
  await db.outbox.bulkInsert(toAccept.map((d) => newOutboxEvent('invitation.accepted', d.id, 'bench')));
  const order: string[] = [];
  const sentAt: number[] = [];
  replications.queue.onSent = (collection) => {
    order.push(collection);
    sentAt.push(performance.now());
  };
  const t1 = performance.now();
  client.online();
  replications.queue.kick();
  // Poll gently: each look scans the local collection, and the drain shares this thread.
  while ((await client.pending()) > 0) await new Promise((r) => setTimeout(r, 25));
  const drainMs = performance.now() - t1;
  if (process.env.BENCH_TRACE) console.error('sent batches at', sentAt.map((t) => Math.round(t - t1)), order, 'confirmed at', Math.round(drainMs));
  const p0First = order.lastIndexOf('outbox') < order.indexOf('invitations');

  await client.close();
  await app.close();
  await testDb.drop();
  return { initialSyncMs, drainMs, p0First };
}
