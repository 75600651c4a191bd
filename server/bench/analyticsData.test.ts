/**
 * The analytics benchmark's generated platform, at a small size: the load writes what it says
 * (with the trigger off: no counters until the rebuild), the rebuilt counters match the rows, and
 * the data looks like the platform it stands for (heavy-tailed inviters, K over 30 days about
 * 1.3, no acceptance before its invitation or in the future). No timings here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utcDay, windowEnding } from '../../shared/viral';
import { freshDb, type TestDb } from '../test/databases';
import { readBreakdown, readWindow } from '../viral/kCounters';
import { checkDrift, rebuildCounters } from '../viral/kRebuild';
import { bulkLoad, drawRank, isSupplierRank } from './analyticsData';

const shape = { invitations: 20_000, inviters: 2_000 };
let t: TestDb;
const indexes = () => t.db.query<{ def: string }>(`SELECT indexdef AS def FROM pg_indexes WHERE tablename = 'invitations' ORDER BY indexname`);
let indexesBefore: { def: string }[];
beforeAll(async () => {
  t = await freshDb();
  indexesBefore = await indexes();
  await t.db.transaction((tx) => bulkLoad(tx, shape));
});
afterAll(() => t?.drop());

describe('the analytics benchmark data', () => {
  it('loads the invitations and inviters asked for, the trigger off (no counters until the rebuild), indexes back in place', async () => {
    const [counts] = await t.db.query<{ invitations: number; users: number; daily: number }>(
      `SELECT (SELECT count(*) FROM invitations)::int AS invitations, (SELECT count(*) FROM users)::int AS users,
              ((SELECT count(*) FROM k_daily) + (SELECT count(*) FROM k_daily_delta))::int AS daily`,
    );
    expect(counts).toEqual({ invitations: shape.invitations, users: shape.inviters, daily: 0 });
    expect(await indexes()).toEqual(indexesBefore);
    expect(indexesBefore.length).toBeGreaterThan(1);
  });

  it('after rebuildCounters the counters match the rows, and K over 30 days is about 1.3', async () => {
    await t.db.transaction((tx) => rebuildCounters(tx));
    expect((await checkDrift(t.db)).total).toBe(0);
    const w = await readWindow(t.db, 'all', '', windowEnding(utcDay(new Date()), 30));
    expect(w.accepted / w.inviters).toBeGreaterThan(1.1);
    expect(w.accepted / w.inviters).toBeLessThan(1.6);
    expect((await readBreakdown(t.db, 'actor', windowEnding(utcDay(new Date()), 90))).map((r) => r.val)).toEqual(['couple', 'supplier']);
  });

  it('is heavy-tailed and plausible: a few inviters send many, acceptances come after the invitation and before now', async () => {
    const [shapeRow] = await t.db.query<{ top: number; median: number; bad: number; statuses: number }>(
      `WITH per AS (SELECT inviter_id, count(*) AS n FROM invitations GROUP BY inviter_id)
       SELECT (SELECT max(n) FROM per)::int AS top, (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY n) FROM per)::int AS median,
              (SELECT count(*) FROM invitations WHERE (status = 'accepted') <> (accepted_at IS NOT NULL)
                  OR accepted_at < counted_at OR accepted_at > now() OR counted_at < now() - interval '90 days')::int AS bad,
              (SELECT count(DISTINCT status) FROM invitations)::int AS statuses`,
    );
    expect(shapeRow!.top).toBeGreaterThan(20 * shapeRow!.median);
    expect(shapeRow!.bad).toBe(0);
    expect(shapeRow!.statuses).toBe(7);
    // The benchmark's new writes come from the same distribution: rank 1 is the busiest, a supplier.
    expect(drawRank(shape.inviters, 0)).toBe(1);
    expect(drawRank(shape.inviters, 0.999_999)).toBe(shape.inviters);
    expect(isSupplierRank(1, shape.inviters)).toBe(true);
    expect(isSupplierRank(shape.inviters, shape.inviters)).toBe(false);
  });
});
