/**
 * Replication of the local collections with the server, through RxDB's replication plugin.
 * Pull handlers read `/api/sync/:collection/pull` by checkpoint; `pull.stream$` gets RESYNC
 * from the live socket (on each change in a room this user may see, and after a reconnect)
 * and when the server held rows back for an older transaction. Pushes of invitations go through the SyncQueue, which
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
import { acknowledgeApplied, dropStale, RevGate } from './wire';

type Stream = Subject<RxReplicationPullStreamItem<any, Checkpoint>>;
type PullName = 'metrics' | 'invitations' | 'viral_events';
/** How long after a pull page a write it shows the server holding may still be settling by itself. */
const ACK_AFTER_MS = 2000;
const HELD_RETRY_MS = 250;
const TURN_FALLBACK_MS = 5000;

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
  /**
   * Whether this user may push invitations. Read-only roles replicate pull-only: a push they
   * could never make would retry forever, and RxDB then treats the document as holding an
   * unpushed local write and stops applying the server's newer states to it.
   */
  canPush?: boolean;
  retryTime?: number;
}

export function startReplications({ db, userId, socket, transport, waitForLeadership = true, retryTime = 2000, canPush = true }: ReplicationOptions): Replications {
  const streams: Record<PullName, Stream> = { metrics: new Subject(), invitations: new Subject(), viral_events: new Subject() };
  const gates: Record<PullName, RevGate> = { metrics: new RevGate(), invitations: new RevGate(), viral_events: new RevGate() };
  // The local check is async; the gate's is not, and runs last, right before RxDB takes them.
  const fresh = async <D extends { id: string; rev: number }>(name: PullName, collection: RxCollection<any>, docs: D[]) =>
    gates[name].admit(await dropStale(collection, docs));
  // A live change asks for a pull rather than handing its documents to RxDB directly: RxDB may
  // persist queued live documents after a newer pull answer, or drop them while the checkpoint
  // moves past, and a device would keep an older state for good (found by the randomized suite).
  // Pulls are sequential and ordered, so every state arrives through them (SPEC PULL4, LIVE2).
  const feed = (name: PullName) => () => streams[name].next('RESYNC');
  socket.on('invitation:changed', feed('invitations'));
  socket.on('metrics:updated', feed('metrics'));
  socket.on('viral_event:created', feed('viral_events'));

  // After a disconnect, pulls go by priority (PRIO3): invitations wait for the metrics snapshot,
  // history for the invitations, even when RxDB retries a failed pull on its own. A turn that
  // never comes (the socket cannot reconnect) opens after a while rather than never.
  const turns = new Map<PullName, Promise<void>>();
  const opens = new Map<PullName, () => void>();
  const waitTurn = (name: PullName) => turns.get(name) ?? Promise.resolve();
  const openTurn = (name: PullName) => {
    opens.get(name)?.();
    opens.delete(name);
    turns.delete(name);
  };
  // The fallback counts from when the network is back, not from the disconnect: a device
  // offline for hours at a venue must still pull by priority when it returns.
  const whenOnline = (fn: () => void) => {
    if (typeof window === 'undefined' || navigator.onLine) fn();
    else window.addEventListener('online', fn, { once: true });
  };
  const onDisconnect = () => {
    for (const name of ['invitations', 'viral_events'] as const) {
      if (turns.has(name)) continue;
      turns.set(name, new Promise<void>((resolve) => {
        opens.set(name, resolve);
        whenOnline(() => setTimeout(resolve, TURN_FALLBACK_MS));
      }));
    }
  };
  socket.on('disconnect', onDisconnect);
  // A start without a connection (the app opened at a venue with no signal) is a disconnect
  // too: the first connect pulls by priority.
  if (!socket.connected) onDisconnect();

  const pull = (name: PullName, collection: RxCollection<any>, batchSize: number) => ({
    batchSize,
    stream$: streams[name],
    async handler(checkpoint: Checkpoint | undefined, size: number) {
      await waitTurn(name);
      const page = await transport.pull<{ id: string; rev: number }>(name, validCheckpoint(checkpoint), size);
      // Newer rows wait for an older transaction still in flight: ask again shortly.
      if (page.held) setTimeout(() => streams[name].next('RESYNC'), HELD_RETRY_MS);
      const documents = await fresh(name, collection, page.documents);
      // Pending writes the server already holds are done (SPEC PUSH4). Normally RxDB settles
      // them itself from this page; look a moment later, when the queue is idle, for any it left.
      if (name === 'invitations' && documents.length > 0) {
        setTimeout(() => {
          if (!queue.busy) void acknowledgeApplied(collection, documents as never[]).catch(() => undefined);
        }, ACK_AFTER_MS);
      }
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
    ...(canPush
      ? { push: { batchSize: 500, handler: (rows: unknown[]) => queue.pushInvitations(rows as never) as Promise<any[]> } }
      : {}),
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
    openTurn('invitations');
    streams.invitations.next('RESYNC');
    invitations.reSync();
    queue.kick();
    await invitations.awaitInSync().catch(() => undefined);
    openTurn('viral_events');
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
      socket.off('disconnect', onDisconnect);
      for (const name of [...opens.keys()]) openTurn(name);
      socket.off('invitation:changed');
      socket.off('metrics:updated');
      socket.off('viral_event:created');
      await Promise.all([invitations.cancel(), metrics.cancel(), viralEvents.cancel()]);
    },
  };
}

export type { InvitationPushState };
