/**
 * The storage contract: one suite, run on every engine we ship (embedded PGlite always, real
 * PostgreSQL when DATABASE_URL is set). Whatever the server relies on from the database is here.
 */
import { appendFileSync, copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { engines, freshDb, type TestDb } from '../test/databases';
import { insertInvitations, type NewInvitation } from '../sync/invitations';
import { loadMigrations, migrate, migrationsDir, MigrationChangedError } from './migrate';

/** A copy of the shipped migrations in a temporary folder, to edit or extend. */
function migrationsCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plusone-migrations-'));
  for (const f of readdirSync(migrationsDir)) copyFileSync(join(migrationsDir, f), join(dir, f));
  return dir;
}

function invitation(): NewInvitation {
  return {
    id: uuidv7(), inviterId: 'u-1', orgId: 'org-1', writeId: uuidv7(), deleted: false,
    recipientEmail: 'ann@example.com', recipientName: 'Ann', relationship: 'past_client', channel: 'email',
    status: 'queued', message: '', capturedAt: new Date().toISOString(), deviceId: 'd-1',
    countedAt: new Date(), timeSource: 'device',
  };
}

describe.each(engines)('storage contract on %s', (engine) => {
  let bare: TestDb;
  let store: TestDb;
  beforeAll(async () => {
    [bare, store] = await Promise.all([freshDb(engine, { migrated: false }), freshDb(engine)]);
    await store.db.query(`INSERT INTO organisations (id, name) VALUES ('org-1', 'Org')`);
    await store.db.query(`INSERT INTO users (id, email, name, role, org_id) VALUES ('u-1', 'u1@x.test', 'U', 'supplier', 'org-1')`);
  });
  afterAll(async () => {
    await bare?.drop();
    await store?.drop();
  });

  it('migrate applies each migration once, even when two processes start together, then nothing', async () => {
    const versions = loadMigrations().map((m) => m.version);
    expect(versions).toContain('001_init');
    const both = await Promise.all([migrate(bare.db), migrate(bare.db)]);
    expect(both.sort((a, b) => a.length - b.length)).toEqual([[], versions]);
    expect(await migrate(bare.db)).toEqual([]);
    const recorded = await bare.db.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(recorded.map((r) => r.version)).toEqual(versions);
  });

  it('an applied migration whose SQL was edited stops migrate with MigrationChangedError; a new one is applied', async () => {
    const dir = migrationsCopy();
    try {
      appendFileSync(join(dir, '001_init.sql'), '\n-- an innocent-looking edit\n');
      await expect(migrate(store.db, loadMigrations(dir))).rejects.toThrow(MigrationChangedError);
      await expect(migrate(store.db, loadMigrations(dir))).rejects.toThrow(/001_init/);

      copyFileSync(join(migrationsDir, '001_init.sql'), join(dir, '001_init.sql'));
      writeFileSync(join(dir, '002_notes.sql'), 'CREATE TABLE notes (id int PRIMARY KEY);');
      expect(await migrate(store.db, loadMigrations(dir))).toEqual(['002_notes']);
      expect(await migrate(store.db, loadMigrations(dir))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a migration that fails is not recorded and leaves nothing behind', async () => {
    const broken = [{ version: '003_broken', sql: 'CREATE TABLE half (id int); SELECT no_such_function();', checksum: 'x' }];
    await expect(migrate(store.db, broken)).rejects.toThrow();
    expect(await store.db.query(`SELECT 1 FROM schema_migrations WHERE version = '003_broken'`)).toEqual([]);
    expect(await store.db.query(`SELECT to_regclass('half') AS t`)).toEqual([{ t: null }]);
  });

  it('a transaction commits what its function returned, and rolls back everything when it throws', async () => {
    const result = await store.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO organisations (id, name) VALUES ('org-kept', 'Kept')`);
      return 'done';
    });
    expect(result).toBe('done');
    const boom = new Error('boom');
    await expect(
      store.db.transaction(async (tx) => {
        await tx.query(`INSERT INTO organisations (id, name) VALUES ('org-lost', 'Lost')`);
        await tx.exec(`UPDATE organisations SET name = 'Changed' WHERE id = 'org-kept'; SELECT 1;`);
        throw boom;
      }),
    ).rejects.toBe(boom);
    const orgs = await store.db.query(`SELECT id, name FROM organisations WHERE id IN ('org-kept', 'org-lost')`);
    expect(orgs).toEqual([{ id: 'org-kept', name: 'Kept' }]);
  });

  it('int8 values come back as JS numbers, timestamps as Date', async () => {
    const [row] = await store.db.query<Record<string, unknown>>(
      `SELECT 9007199254740991::bigint AS max_safe, count(*) AS n, nextval('plusone_rev') AS rev, plusone_txid() AS txid, now() AS at
         FROM organisations`,
    );
    expect(row!.max_safe).toBe(Number.MAX_SAFE_INTEGER);
    for (const key of ['n', 'rev', 'txid']) expect(typeof row![key], key).toBe('number');
    expect(row!.at).toBeInstanceOf(Date);
  });

  it('every write takes a higher rev; a transaction\'s rows share its txid; the horizon passes committed txids', async () => {
    const first = await store.db.transaction((tx) => insertInvitations(tx, [invitation(), invitation()]));
    const second = await store.db.transaction((tx) => insertInvitations(tx, [invitation()]));
    const [a, b] = first;
    const [c] = second;
    expect(a!.rev).toBeLessThan(b!.rev);
    expect(b!.rev).toBeLessThan(c!.rev);
    expect(a!.txid).toBe(b!.txid);
    expect(c!.txid).toBeGreaterThan(a!.txid);

    await store.db.query(`UPDATE invitations SET rev = nextval('plusone_rev'), txid = plusone_txid() WHERE id = $1`, [a!.id]);
    const [updated] = await store.db.query<{ rev: number; txid: number }>('SELECT rev, txid FROM invitations WHERE id = $1', [a!.id]);
    expect(updated!.rev).toBeGreaterThan(c!.rev);

    // The horizon is the oldest transaction still in flight in the whole cluster, so another
    // test file's open transaction may hold it back for a moment; it passes every committed write.
    const horizon = async () => (await store.db.query<{ horizon: number }>('SELECT plusone_horizon() AS horizon'))[0]!.horizon;
    expect(typeof (await horizon())).toBe('number');
    await expect.poll(horizon, { timeout: 10_000, interval: 20 }).toBeGreaterThan(updated!.txid);
  });
});
