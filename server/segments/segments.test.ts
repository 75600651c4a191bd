/**
 * Built-in segments and membership events on the real server's database: hand-made people at
 * known ages land in exactly the segments the shared rules define, each membership change is
 * one event, and a refresh with nothing new records nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SegmentsData } from '../../shared/analytics/snapshots';
import type { Db } from '../db/db';
import { startTestServer, type TestServer } from '../test/server';
import { readProfiles } from './profiles';
import { refreshSegments, segmentsSnapshot } from './service';
import { booking, daysAgo, invite, person, referredBy, segmentEvents, setTier } from './segmentsFixtures';

let server: TestServer;
let db: Db;
const now = new Date();

beforeAll(async () => {
  // No demo data: every person here is made by hand, so each segment's members are known.
  server = await startTestServer({ demo: false });
  db = server.testDb.db;
  // Super-connectors: a tier means a super-connector; no tier (under 20 connections) does not.
  await person(db, 'u-boss', 'owner');
  await person(db, 'u-gold');
  await setTier(db, 'u-gold', 'gold', 40);
  await person(db, 'u-untiered');
  await setTier(db, 'u-untiered', null, 12);
  // High viral activity: K ≥ 1.2 with ≥ 5 invitations in 30 days. 2 of 6 accepted is K = 2.
  await person(db, 'u-viral');
  await invite(db, 'u-viral', now, [1, 2, 3, 4, 5, 6].map((d) => ({ ageDays: d, status: d <= 2 ? 'accepted' : 'sent' })));
  await person(db, 'u-busy'); // 6 invitations, 1 accepted: K = 1
  await invite(db, 'u-busy', now, [1, 2, 3, 4, 5, 6].map((d) => ({ ageDays: d, status: d === 1 ? 'accepted' : 'sent' })));
  await person(db, 'u-few'); // K = 2 but only 2 invitations (and one 40 days old: outside the window)
  await invite(db, 'u-few', now, [{ ageDays: 1, status: 'accepted' }, { ageDays: 2, status: 'accepted' }, { ageDays: 40, status: 'accepted' }]);
  // Dormant: last invitation more than 30 days ago; never having invited is not dormant.
  await person(db, 'u-dormant');
  await invite(db, 'u-dormant', now, [{ ageDays: 45 }, { ageDays: 60 }]);
  await person(db, 'u-never');
  // Newly referred: referred in the last 30 days.
  await person(db, 'u-new', 'couple');
  await referredBy(db, 'u-new', 'u-viral', daysAgo(now, 3));
  await person(db, 'u-long-ago', 'couple');
  await referredBy(db, 'u-long-ago', 'u-viral', daysAgo(now, 90));
  await person(db, 'u-grandchild', 'couple');
  await referredBy(db, 'u-grandchild', 'u-new', daysAgo(now, 40));
  await booking(db, 'u-new', 750, daysAgo(now, 1));
  await booking(db, 'u-long-ago', 1250.5, daysAgo(now, 20));
  await booking(db, 'u-grandchild', 99, daysAgo(now, 10)); // u-viral's indirect: not in its direct revenue
});
afterAll(() => server?.close());

const membersOf = async (segmentId: string) =>
  (await db.query<{ user_id: string }>('SELECT user_id FROM segment_members WHERE segment_id = $1 ORDER BY user_id', [segmentId])).map((r) => r.user_id);

describe('profiles', () => {
  it('count invitations and acceptances of the last 30 days, whole days since, chain depth, direct referred revenue and own bookings', async () => {
    const byId = new Map((await db.transaction((tx) => readProfiles(tx, now))).map((p) => [p.userId, p]));
    expect(byId.get('u-viral')).toMatchObject({
      role: 'supplier', tier: null, invitations30d: 6, accepted30d: 2, k30d: 2, daysSinceLastInvitation: 1,
      daysSinceReferred: null, referralDepth: 0, referredRevenue: 2000.5, bookings: 0,
    });
    expect(byId.get('u-few')).toMatchObject({ invitations30d: 2, accepted30d: 2, k30d: 2 });
    expect(byId.get('u-gold')).toMatchObject({ tier: 'gold', connections: 40, invitations30d: 0, daysSinceLastInvitation: null });
    expect(byId.get('u-dormant')).toMatchObject({ invitations30d: 0, daysSinceLastInvitation: 45 });
    expect(byId.get('u-new')).toMatchObject({ role: 'couple', daysSinceReferred: 3, referralDepth: 1, referredRevenue: 99, bookings: 1 });
    expect(byId.get('u-grandchild')).toMatchObject({ daysSinceReferred: 40, referralDepth: 2, referredRevenue: 0, bookings: 1 });
    // Only suppliers and couples have a profile.
    expect(byId.has('u-boss')).toBe(false);
  });

  it('can be read for a few users only', async () => {
    expect((await db.transaction((tx) => readProfiles(tx, now, ['u-new', 'u-gold', 'u-boss']))).map((p) => p.userId)).toEqual(['u-gold', 'u-new']);
  });
});

describe('built-in segments', () => {
  beforeAll(async () => {
    await refreshSegments(db, now);
  });

  it('Super-Connectors: everyone with a tier', async () => {
    expect(await membersOf('super-connectors')).toEqual(['u-gold']);
  });

  it('High Viral Activity: K ≥ 1.2 over at least 5 invitations in 30 days', async () => {
    expect(await membersOf('high-viral-activity')).toEqual(['u-viral']);
  });

  it('Dormant Inviters: a last invitation over 30 days ago, never "never invited"', async () => {
    expect(await membersOf('dormant-inviters')).toEqual(['u-dormant']);
  });

  it('Newly Referred: referred in the last 30 days', async () => {
    expect(await membersOf('newly-referred')).toEqual(['u-new']);
  });

  it('the snapshot counts every segment’s members, with when it last changed', async () => {
    const snapshot = SegmentsData.parse(await segmentsSnapshot(db));
    expect(snapshot.segments.map((s) => s.id).slice(0, 4)).toEqual(['super-connectors', 'high-viral-activity', 'dormant-inviters', 'newly-referred']);
    for (const s of snapshot.segments) {
      expect(s.members).toBe((await membersOf(s.id)).length);
      expect(s.builtIn).toBe(true);
      if (s.members > 0) expect(Date.parse(s.changedAt!)).toBeLessThanOrEqual(Date.now());
    }
  });
});

describe('membership events', () => {
  it('each join is one segment.joined event about the person, naming the segment', async () => {
    await refreshSegments(db, now);
    expect(await segmentEvents(db, 'u-gold')).toEqual([{ type: 'segment.joined', segmentId: 'super-connectors', actor_id: 'u-gold', inviter_id: 'u-gold' }]);
    const [event] = await db.query<{ data: unknown; org_id: string | null; time_source: string }>(
      "SELECT data, org_id, time_source FROM viral_events WHERE type = 'segment.joined' AND actor_id = 'u-new'",
    );
    expect(event).toEqual({ data: { segmentId: 'newly-referred', segmentName: 'Newly Referred' }, org_id: null, time_source: 'server' });
  });

  it('a second refresh with nothing new records nothing', async () => {
    const count = async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM viral_events WHERE type LIKE 'segment.%'"))[0]!.n;
    await refreshSegments(db, now);
    const before = await count();
    expect(await refreshSegments(db, now)).toEqual({ changed: 0 });
    expect(await count()).toBe(before);
  });

  it('a change is recorded once, however many refreshes follow (and concurrent ones do not double it)', async () => {
    // u-busy gets one more acceptance: K = 2 → joins High Viral Activity; u-gold loses its tier → leaves.
    await invite(db, 'u-busy', now, [{ ageDays: 1, status: 'accepted' }]);
    await setTier(db, 'u-gold', null, 15);
    const results = await Promise.all([refreshSegments(db, now), refreshSegments(db, now), refreshSegments(db, now)]);
    expect(results.map((r) => r.changed).sort()).toEqual([0, 0, 2]);
    expect(await refreshSegments(db, now)).toEqual({ changed: 0 });
    expect((await segmentEvents(db, 'u-busy')).map((e) => [e.type, e.segmentId])).toEqual([['segment.joined', 'high-viral-activity']]);
    expect((await segmentEvents(db, 'u-gold')).map((e) => [e.type, e.segmentId])).toEqual([
      ['segment.joined', 'super-connectors'],
      ['segment.left', 'super-connectors'],
    ]);
    expect(await membersOf('super-connectors')).toEqual([]);
  });

  it('time alone moves people: 28 days on, the newly referred are no longer new', async () => {
    const later = new Date(now.getTime() + 28 * 86_400_000);
    await refreshSegments(db, later);
    expect(await membersOf('newly-referred')).toEqual([]);
    expect((await segmentEvents(db, 'u-new')).map((e) => e.type)).toEqual(['segment.joined', 'segment.left']);
    await refreshSegments(db, now); // back, for the tests after this one
  });
});
