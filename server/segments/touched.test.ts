/**
 * Segments for the people a write touched (the publisher's touched pass): their profiles read
 * alone agree with the full read, and a refresh of a few users records their joins and leaves
 * only, leaving everyone else to the full refresh, with no change recorded twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db';
import { freshDb, type TestDb } from '../test/databases';
import { MAX_REFERRAL_DEPTH, readProfiles } from './profiles';
import { refreshSegments, refreshUsers } from './service';
import { booking, daysAgo, invite, person, referredBy, segmentEvents, setTier } from './segmentsFixtures';

let testDb: TestDb;
let db: Db;
const now = new Date();
/** A referral chain longer than the cap: chain-0 referred nobody's way, chain-i by chain-(i-1). */
const CHAIN = MAX_REFERRAL_DEPTH + 3;

beforeAll(async () => {
  testDb = await freshDb();
  db = testDb.db;
  await person(db, 'u-boss', 'owner');
  await person(db, 'u-gold');
  await setTier(db, 'u-gold', 'gold', 40);
  await person(db, 'u-viral');
  await invite(db, 'u-viral', now, [1, 2, 3, 4, 5, 6].map((d) => ({ ageDays: d, status: d <= 2 ? 'accepted' : 'sent' })));
  await person(db, 'u-dormant');
  await invite(db, 'u-dormant', now, [{ ageDays: 45 }]);
  await person(db, 'u-new', 'couple');
  await referredBy(db, 'u-new', 'u-viral', daysAgo(now, 3));
  await person(db, 'u-grandchild', 'couple');
  await referredBy(db, 'u-grandchild', 'u-new', daysAgo(now, 40));
  await booking(db, 'u-new', 750, daysAgo(now, 1));
  await booking(db, 'u-grandchild', 99, daysAgo(now, 10));
  for (let i = 0; i < CHAIN; i++) {
    await person(db, `u-chain-${i}`, 'couple');
    if (i > 0) await referredBy(db, `u-chain-${i}`, `u-chain-${i - 1}`, daysAgo(now, 60));
  }
  await refreshSegments(db, now);
});
afterAll(() => testDb?.drop());

describe('profiles of a few users', () => {
  it('agree with the full read for every user, read all at once and one at a time (a chain deeper than the cap included)', async () => {
    const all = await db.transaction((tx) => readProfiles(tx, now));
    const ids = all.map((p) => p.userId);
    expect(ids).toContain(`u-chain-${CHAIN - 1}`);
    expect(all.find((p) => p.userId === `u-chain-${CHAIN - 1}`)!.referralDepth).toBe(MAX_REFERRAL_DEPTH);
    expect(all.find((p) => p.userId === 'u-chain-5')!.referralDepth).toBe(5);

    expect(await db.transaction((tx) => readProfiles(tx, now, ids))).toEqual(all);
    for (const profile of all) {
      expect(await db.transaction((tx) => readProfiles(tx, now, [profile.userId]))).toEqual([profile]);
    }
    // No profile for an owner, or for someone who does not exist.
    expect(await db.transaction((tx) => readProfiles(tx, now, ['u-boss', 'u-nobody']))).toEqual([]);
  });
});

describe('refreshUsers', () => {
  it("records the touched users' changes only; the full refresh records the rest; nothing twice", async () => {
    // Two changes: u-dormant invites again (leaves Dormant Inviters), u-gold loses its tier (leaves Super-Connectors).
    await invite(db, 'u-dormant', now, [{ ageDays: 0 }]);
    await setTier(db, 'u-gold', null, 12);

    expect(await refreshUsers(db, ['u-dormant', 'u-new'], now)).toEqual({ changed: 1 });
    expect((await segmentEvents(db, 'u-dormant')).map((e) => [e.type, e.segmentId])).toEqual([
      ['segment.joined', 'dormant-inviters'],
      ['segment.left', 'dormant-inviters'],
    ]);
    expect((await segmentEvents(db, 'u-gold')).map((e) => e.type)).toEqual(['segment.joined']);
    expect(await refreshUsers(db, ['u-dormant'], now)).toEqual({ changed: 0 });
    expect(await refreshUsers(db, [], now)).toEqual({ changed: 0 });

    expect(await refreshSegments(db, now)).toEqual({ changed: 1 });
    expect((await segmentEvents(db, 'u-gold')).map((e) => e.type)).toEqual(['segment.joined', 'segment.left']);
    expect((await segmentEvents(db, 'u-dormant')).length).toBe(2);
  });
});
