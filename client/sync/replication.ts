/**
 * Replication of the local collections with the server, through RxDB's replication plugin:
 * push and pull handlers on `/api/sync/:collection/push|pull`, and `pull.stream$` fed by the
 * live socket. Refused writes are kept, with their reason, in the local `refusals` collection;
 * conflicts come back with the server's resolved state, which RxDB's default handler adopts.
 */
import { Subject } from 'rxjs';
import type { RxReplicationPullStreamItem } from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import type { InvitationDoc, InvitationPushState } from '../../shared/invitation';
import type { MetricsDoc } from '../../shared/metrics';
import type { Checkpoint, PullResponse, PushResponse } from '../../shared/sync/protocol';
import { api } from '../api';
import type { PlusOneDb } from '../db/database';
import type { LiveSocket } from './socket';
import { dropStale, toPushState } from './wire';

type Stream = Subject<RxReplicationPullStreamItem<any, Checkpoint>>;
const HELD_RETRY_MS = 250;

function validCheckpoint(cp: Partial<Checkpoint> | undefined | null): Checkpoint | null {
  return cp && typeof cp.txid === 'number' && typeof cp.rev === 'number' ? { txid: cp.txid, rev: cp.rev } : null;
}

function pullHandler<Doc extends { id: string; rev: number }>(db: PlusOneDb, name: 'invitations' | 'metrics', stream: Stream) {
  return async (checkpoint: Checkpoint | undefined, batchSize: number) => {
    const page = await api<PullResponse<Doc>>('POST', `/api/sync/${name}/pull`, { checkpoint: validCheckpoint(checkpoint), batchSize }, true);
    // Rows newer than the checkpoint wait for an older transaction still in flight: ask again soon.
    if (page.held) setTimeout(() => stream.next('RESYNC'), HELD_RETRY_MS);
    const documents = await dropStale(db[name], page.documents);
    return { documents: documents as any[], checkpoint: page.checkpoint ?? validCheckpoint(checkpoint) ?? { txid: 0, rev: 0 } };
  };
}

export interface Replications {
  invitations: RxReplicationState<any, Checkpoint>;
  metrics: RxReplicationState<any, Checkpoint>;
  /** Pull everything new now (after a reconnect). */
  resync(): void;
  cancel(): Promise<void>;
}

export function startReplications(db: PlusOneDb, userId: string, socket: LiveSocket): Replications {
  const invitationStream: Stream = new Subject();
  const metricsStream: Stream = new Subject();

  socket.on('invitation:changed', async ({ documents }) => {
    invitationStream.next({ documents: await dropStale(db.invitations, documents), checkpoint: null as any });
  });
  socket.on('metrics:updated', async ({ documents }) => {
    metricsStream.next({ documents: await dropStale(db.metrics, documents), checkpoint: null as any });
  });

  const invitations = replicateRxCollection<any, Checkpoint>({
    collection: db.invitations,
    replicationIdentifier: `plusone-invitations-${userId}`,
    live: true,
    retryTime: 2000,
    waitForLeadership: true,
    push: {
      batchSize: 100,
      async handler(rows) {
        const body = {
          rows: rows.map((r) => ({
            newDocumentState: toPushState(r.newDocumentState as InvitationPushState),
            assumedMasterState: r.assumedMasterState ? toPushState(r.assumedMasterState as InvitationPushState) : null,
          })),
        };
        const { results } = await api<PushResponse>('POST', '/api/sync/invitations/push', body, true);
        const byId = new Map(rows.map((r) => [r.newDocumentState.id as string, r.newDocumentState as InvitationPushState]));
        const masters: InvitationDoc[] = [];
        const refusals = [];
        const settled: string[] = [];
        for (const result of results) {
          if (result.outcome === 'refused' && result.error) {
            refusals.push({
              id: result.id,
              collection: 'invitations',
              writeId: byId.get(result.id)?.writeId ?? '',
              code: result.error.code,
              message: result.error.message,
              at: new Date().toISOString(),
            });
          } else {
            settled.push(result.id);
            if (result.outcome === 'conflict' && result.master) masters.push(result.master);
          }
        }
        if (refusals.length) await db.refusals.bulkUpsert(refusals);
        if (settled.length) await db.refusals.bulkRemove(settled).catch(() => undefined);
        // The server's state (rev, synced) comes back through a pull.
        invitationStream.next('RESYNC');
        return masters as any[];
      },
    },
    pull: { batchSize: 200, handler: pullHandler<InvitationDoc>(db, 'invitations', invitationStream), stream$: invitationStream },
  });

  const metrics = replicateRxCollection<any, Checkpoint>({
    collection: db.metrics,
    replicationIdentifier: `plusone-metrics-${userId}`,
    live: true,
    retryTime: 2000,
    waitForLeadership: true,
    pull: { batchSize: 50, handler: pullHandler<MetricsDoc>(db, 'metrics', metricsStream), stream$: metricsStream },
  });

  const resync = () => {
    metricsStream.next('RESYNC');
    invitationStream.next('RESYNC');
    invitations.reSync();
  };
  socket.on('connect', resync);

  return {
    invitations,
    metrics,
    resync,
    async cancel() {
      socket.off('invitation:changed');
      socket.off('metrics:updated');
      await Promise.all([invitations.cancel(), metrics.cancel()]);
    },
  };
}
