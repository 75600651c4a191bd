/**
 * What leaves the device: only the fields of the shared push shape (RxDB adds its own meta
 * fields, which the server's strict schema would refuse), and incoming documents that are not
 * older than what the device already holds (a pull answer can cross a newer live event).
 */
import type { InvitationPushState } from '../../shared/invitation';
import type { RxCollection } from 'rxdb';

export function toPushState(doc: InvitationPushState): InvitationPushState {
  return {
    id: doc.id,
    inviterId: doc.inviterId,
    orgId: doc.orgId ?? null,
    recipientEmail: doc.recipientEmail,
    recipientName: doc.recipientName,
    relationship: doc.relationship,
    channel: doc.channel,
    status: doc.status,
    message: doc.message,
    capturedAt: doc.capturedAt,
    deviceId: doc.deviceId,
    writeId: doc.writeId,
    rev: doc.rev ?? 0,
    createdAt: doc.createdAt ?? '',
    updatedAt: doc.updatedAt ?? '',
    countedAt: doc.countedAt ?? '',
    timeSource: doc.timeSource ?? '',
    syncState: doc.syncState ?? 'pending',
    _deleted: doc._deleted ?? false,
  };
}

export async function dropStale<D extends { id: string; rev: number }>(
  collection: RxCollection<any>,
  docs: D[],
): Promise<D[]> {
  if (docs.length === 0) return docs;
  const local = await collection.findByIds(docs.map((d) => d.id)).exec();
  return docs.filter((d) => {
    const held = local.get(d.id);
    return !held || (held.get('rev') as number) <= d.rev;
  });
}
