/**
 * The local database: one RxDB database per signed-in user (so two people on one tablet never
 * see each other's data), on IndexedDB through the Dexie storage. It is created once per user
 * at module level, never inside a component: React StrictMode mounts twice, and RxDB's free
 * tier allows 13 open collections in a page. We open five.
 */
import { addRxPlugin, createRxDatabase, type RxCollection, type RxDatabase, type RxStorage } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import {
  invitationMigrationStrategies,
  invitationSchema,
  metricsMigrationStrategies,
  metricsSchema,
  outboxSchema,
  refusalMigrationStrategies,
  refusalSchema,
  viralEventSchema,
  type LocalInvitation,
  type LocalMetrics,
  type LocalViralEvent,
  type OutboxEvent,
  type Refusal,
} from './schemas';

// A schema of a higher version migrates the documents stored under the older one (invitations and metrics: 0 → 1).
addRxPlugin(RxDBMigrationSchemaPlugin);

export interface Collections {
  invitations: RxCollection<LocalInvitation>;
  metrics: RxCollection<LocalMetrics>;
  refusals: RxCollection<Refusal>;
  outbox: RxCollection<OutboxEvent>;
  viral_events: RxCollection<LocalViralEvent>;
}
export type PlusOneDb = RxDatabase<Collections>;

const open = new Map<string, Promise<PlusOneDb>>();

export function databaseName(userId: string): string {
  return `plusone-${userId.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
}

export interface OpenOptions {
  /** Another storage (the randomized suite runs RxDB's memory storage in Node). */
  storage?: RxStorage<any, any>;
  name?: string;
  multiInstance?: boolean;
}

export function openDatabase(userId: string, options: OpenOptions = {}): Promise<PlusOneDb> {
  let db = open.get(userId);
  if (!db) {
    db = (async () => {
      const created = await createRxDatabase<Collections>({
        name: options.name ?? databaseName(userId),
        storage: options.storage ?? getRxStorageDexie(),
        multiInstance: options.multiInstance ?? true,
        closeDuplicates: true,
      });
      await created.addCollections({
        invitations: { schema: invitationSchema, migrationStrategies: invitationMigrationStrategies },
        metrics: { schema: metricsSchema, migrationStrategies: metricsMigrationStrategies },
        refusals: { schema: refusalSchema, migrationStrategies: refusalMigrationStrategies },
        outbox: { schema: outboxSchema },
        viral_events: { schema: viralEventSchema },
      });
      return created;
    })();
    open.set(userId, db);
  }
  return db;
}

export async function closeDatabase(userId: string): Promise<void> {
  const db = open.get(userId);
  open.delete(userId);
  if (db) await (await db).close();
}
