import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadMigrations, migrate } from './migrate';
import { openDb } from './open';

it('without DATABASE_URL the embedded database lives in DATA_DIR and keeps its data across restarts', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'plusone-data-')), 'nested', 'data');
  try {
    const first = await openDb({ databaseUrl: undefined, dataDir, poolMax: 1 });
    expect(first.kind).toBe('pglite');
    expect(await migrate(first)).toEqual(loadMigrations().map((m) => m.version));
    await first.query(`INSERT INTO organisations (id, name) VALUES ('org-kept', 'Kept')`);
    await first.close();

    const again = await openDb({ databaseUrl: undefined, dataDir, poolMax: 1 });
    expect(await migrate(again)).toEqual([]);
    expect(await again.query('SELECT id FROM organisations')).toEqual([{ id: 'org-kept' }]);
    await again.close();
  } finally {
    rmSync(join(dataDir, '..', '..'), { recursive: true, force: true });
  }
});

it('with DATABASE_URL it opens PostgreSQL (lazily: nothing connects until the first query)', async () => {
  const db = await openDb({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none', dataDir: '/nonexistent', poolMax: 1 });
  expect(db.kind).toBe('postgres');
  await expect(db.query('SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
  await db.close();
});
