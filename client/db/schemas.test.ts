import 'fake-indexeddb/auto';
import { createRxDatabase, type RxJsonSchema } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { describe, expect, it } from 'vitest';
import { InvitationDoc } from '../../shared/invitation';
import { MetricsDoc } from '../../shared/metrics';
import { closeDatabase, openDatabase } from './database';
import { invitationSchema, metricsSchema, migrateMetricsToV1 } from './schemas';

// The local schemas mirror the wire shapes: a field added to one and not the other would be
// dropped by RxDB or refused by the server.
describe('local RxDB schemas', () => {
  it.each([
    ['invitations', invitationSchema, InvitationDoc],
    ['metrics', metricsSchema, MetricsDoc],
  ] as const)('%s has exactly the fields of the shared document shape', (_name, schema, shape) => {
    const wire = Object.keys(shape.shape).filter((k) => k !== '_deleted').sort();
    expect(Object.keys(schema.properties).sort()).toEqual(wire);
  });

  it('every indexed field is required and bounded (the Dexie storage refuses otherwise)', () => {
    for (const schema of [invitationSchema, metricsSchema]) {
      for (const index of (schema.indexes ?? []).flat()) {
        expect(schema.required).toContain(index);
        expect((schema.properties as Record<string, { maxLength?: number }>)[index as string]?.maxLength).toBeGreaterThan(0);
      }
    }
  });

  it('the metrics id holds the longest id the wire allows', () => {
    expect(metricsSchema.properties.id.maxLength).toBe(80);
  });
});

// Version 0 of the metrics collection: the platform K as flat fields.
const metricsSchemaV0: RxJsonSchema<any> = {
  title: 'metrics',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 64 },
    k: { type: 'number' },
    invitesPerInviter: { type: 'number' },
    acceptanceRate: { type: 'number' },
    inviters: { type: 'number' },
    sent: { type: 'number' },
    accepted: { type: 'number' },
    windowDays: { type: 'number' },
    status: { type: 'string', enum: ['healthy', 'warning', 'critical'] },
    computedAt: { type: 'string' },
    rev: { type: 'number' },
  },
  required: ['id', 'k', 'invitesPerInviter', 'acceptanceRate', 'inviters', 'sent', 'accepted', 'windowDays', 'status', 'computedAt', 'rev'],
};

const flatV0 = {
  id: 'platform:30',
  k: 1.3,
  invitesPerInviter: 2.6,
  acceptanceRate: 0.5,
  inviters: 10,
  sent: 26,
  accepted: 13,
  windowDays: 30,
  status: 'healthy',
  computedAt: '2026-03-01T10:00:00.000Z',
  rev: 7,
};
const envelope = { id: 'user:u-1', kind: 'user', computedAt: '2026-03-01T10:00:00.000Z', data: { userId: 'u-1' }, rev: 9 };

describe('metrics migration 0 → 1', () => {
  it('drops a snapshot of the old flat shape', () => {
    expect(migrateMetricsToV1(flatV0)).toBeNull();
  });

  it('keeps a snapshot that already has the envelope shape', () => {
    expect(migrateMetricsToV1(envelope)).toEqual(envelope);
  });

  it('a database stored by the old client opens with its old snapshots gone and the envelope kept', async () => {
    const name = `plusone-migration-${Date.now()}`;
    const old = await createRxDatabase({ name, storage: getRxStorageDexie(), multiInstance: false });
    const { metrics } = await old.addCollections({ metrics: { schema: metricsSchemaV0 } });
    await metrics.bulkInsert([flatV0, { ...flatV0, id: 'platform:7', windowDays: 7 }]);
    // A new server's envelope, stored by the old client (no validator in the production build).
    await metrics.storageInstance.bulkWrite(
      [{ document: { ...envelope, _deleted: false, _attachments: {}, _rev: '1-a', _meta: { lwt: Date.now() } } }],
      'test',
    );
    await old.close();

    const userId = `migration-${Date.now()}`;
    const db = await openDatabase(userId, { name });
    try {
      const docs = (await db.metrics.find().exec()).map((d) => d.toJSON());
      expect(docs).toEqual([envelope]);
    } finally {
      await closeDatabase(userId);
    }
  });
});
