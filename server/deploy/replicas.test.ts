/**
 * Two app replicas starting together on one new PostgreSQL (docker-compose.yml): both migrate
 * and both may find no users and seed the demo. Each start-up step must let exactly one of them
 * do the work and the other carry on, without an error that would stop it.
 */
import { describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../db/migrate';
import { openPostgres } from '../db/postgres';
import { seedDemo } from '../demo/seed';
import { freshDb, hasPostgres } from '../test/databases';

describe.skipIf(!hasPostgres)('two replicas starting together', () => {
  it('migrate: one applies every migration, the other waits and applies none', async () => {
    const t = await freshDb('postgres', { migrated: false });
    const other = openPostgres(t.url!, 2);
    try {
      const results = await Promise.all([migrate(t.db), migrate(other)]);
      const all = loadMigrations().map((m) => m.version);
      expect(results.map((r) => r.length).sort((a, b) => a - b)).toEqual([0, all.length]);
      expect(results.flat()).toEqual(all);
    } finally {
      await other.close();
      await t.drop();
    }
  });

  it('demo seed: one seeds, the other finds its users and writes nothing', async () => {
    const t = await freshDb('postgres');
    const other = openPostgres(t.url!, 2);
    try {
      const now = new Date();
      const results = await Promise.all([seedDemo(t.db, { scale: 0.02, now }), seedDemo(other, { scale: 0.02, now })]);
      const seeded = results.filter((r) => !r.alreadySeeded);
      expect(seeded).toHaveLength(1);
      expect(results.filter((r) => r.alreadySeeded)).toHaveLength(1);
      const [users] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE role = 'supplier'`);
      expect(users!.n).toBe(seeded[0]!.suppliers);
    } finally {
      await other.close();
      await t.drop();
    }
  });
});
