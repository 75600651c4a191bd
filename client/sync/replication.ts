/**
 * Replication of the local collections with the server, through RxDB's replication plugin.
 * Pull handlers read `/api/sync/:collection/pull` by checkpoint; `pull.stream$` is fed by the
 * live socket (documents as they change, and RESYNC after a reconnect or when the server held
 * rows back for an older transaction). Pushes of invitations go through the SyncQueue, which
 * orders them with the outbox's events by priority and dependency. Conflicts come back with
 * the server's resolved state, which RxDB's default handler adopts.
 *
 * After a reconnect, pulls go by priority too: the metrics snapshot first, then the user's
 * invitations, then history (viral events).
 */
import { Subject } from 'rxjs';
import type { RxCollection, RxReplicationPullStreamItem } from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import type { InvitationPushState } from '../../shared/invitation';
import type { Checkpoint } from '../../shared/sync/protocol';
import type { PlusOneDb } from '../db/database';
import { SyncQueue } from './queue';
import type { LiveSocket } from './socket';
import type { Transport } from './transport';
import { dropStale, RevGate } from './wire';

type Stream = Subject<RxReplicationPullStreamItem<any, Checkpoint>>;
type PullName = 'metrics' | 'invitations' | 'viral_events';
const HELD_RETRY_MS = 250;

function validCheckpoint(cp: Partial<Checkpoint> | undefined | null): Checkpoint | null {
  return cp && typeof cp.txid === 'number' && typeof cp.rev === 'number' ? { txid: cp.txid, rev: cp.rev } : null;
}

export interface Replications {
  invitations: RxReplicationState<any, Checkpoint>;
  metrics: RxReplicationState<any, Checkpoint>;
  viralEvents: RxReplicationState<any, Checkpoint>;
  queue: SyncQueue;
  /** After a reconnect: pull by priority, then send what waits. */
  resync(): Promise<void>;
  cancel(): Promise<void>;
}

export interface ReplicationOptions {
  db: PlusOneDb;
  userId: string;
  socket: LiveSocket;
  transport: Transport;
  /** Wait to lead among this user's tabs before replicating (browser); false in Node tests. */
  waitForLeadership?: boolean;
  retryTime?: number;
}

export function startReplications({ db, userId, socket, transport, waitForLeadership = true, retryTime = 2000 }: ReplicationOptions): Replications {
  const streams: Record<PullName, Stream> = { metrics: new Subject(), invitations: new Subject(), viral_events: new Subject() };
  const gates: Record<PullName, RevGate> = { metrics: new RevGate(), invitations: new RevGate(), viral_events: new RevGate() };
  // The local check is async; the gate's is not, and runs last, right before RxDB takes them.
  const fresh = async <D extends { id: string; rev: number }>(name: PullName, collection: RxCollection<any>, docs: D[]) =>
    gates[name].admit(await dropStale(collection, docs));
  const feed = (name: PullName, collection: RxCollection<any>) => async ({ documents }: { documents: { id: string; rev: number }[] }) =>
    streams[name].next({ documents: await fresh(name, collection, documents), checkpoint: null as unknown as Checkpoint });
  socket.on('invitation:changed', feed('invitations', db.invitations));
  socket.on('metrics:updated', feed('metrics', db.metrics));
  socket.on('viral_event:created', feed('viral_events', db.viral_events));

  const pull = (name: PullName, collection: RxCollection<any>, batchSize: number) => ({
    batchSize,
    stream$: streams[name],
    async handler(checkpoint: Checkpoint | undefined, size: number) {
      const page = await transport.pull<{ id: string; rev: number }>(name, validCheckpoint(checkpoint), size);
      // Newer rows wait for an older transaction still in flight: ask again shortly.
      if (page.held) setTimeout(() => streams[name].next('RESYNC'), HELD_RETRY_MS);
      const documents = await fresh(name, collection, page.documents);
      return { documents: documents as any[], checkpoint: page.checkpoint ?? validCheckpoint(checkpoint) ?? { txid: 0, rev: 0 } };
    },
  });
  const common = { live: true, retryTime, waitForLeadership, autoStart: true } as const;

  const metrics = replicateRxCollection<any, Checkpoint>({
    ...common,
    collection: db.metrics,
    replicationIdentifier: `plusone-metrics-${userId}`,
    pull: pull('metrics', db.metrics, 50),
  });
  const queue = new SyncQueue(
    db,
    transport,
    () => streams.invitations.next('RESYNC'),
    waitForLeadership && db.multiInstance ? db.waitForLeadership() : Promise.resolve(),
  );

  const invitations = replicateRxCollection<any, Checkpoint>({
    ...common,
    collection: db.invitations,
    replicationIdentifier: `plusone-invitations-${userId}`,
    push: {
      batchSize: 500,
      handler: (rows) => queue.pushInvitations(rows as never) as Promise<any[]>,
    },
    pull: pull('invitations', db.invitations, 1000),
  });
  const viralEvents = replicateRxCollection<any, Checkpoint>({
    ...common,
    collection: db.viral_events,
    replicationIdentifier: `plusone-viral-events-${userId}`,
    pull: pull('viral_events', db.viral_events, 500),
  });

  // New local events go out as soon as they are written (and after a reconnect).
  const outboxSub = db.outbox.insert$.subscribe(() => queue.kick());
  queue.kick();

  const resync = async () => {
    streams.metrics.next('RESYNC');
    await metrics.awaitInSync().catch(() => undefined);
    streams.invitations.next('RESYNC');
    invitations.reSync();
    queue.kick();
    await invitations.awaitInSync().catch(() => undefined);
    streams.viral_events.next('RESYNC');
  };
  const onConnect = () => void resync();
  socket.on('connect', onConnect);

  return {
    invitations,
    metrics,
    viralEvents,
    queue,
    resync,
    async cancel() {
      outboxSub.unsubscribe();
      queue.stop();
      socket.off('connect', onConnect);
      socket.off('invitation:changed');
      socket.off('metrics:updated');
      socket.off('viral_event:created');
      await Promise.all([invitations.cancel(), metrics.cancel(), viralEvents.cancel()]);
    },
  };
}

export type { InvitationPushState };
