import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnapshot } from '../../shared/analytics/snapshots';
import { CoefficientAnswer, CoefficientSnapshot, type MetricsDoc } from '../../shared/metrics';
import { kStatus } from '../../shared/viral';
import type { Queryable } from '../db/db';
import { insertInvitations } from '../sync/invitations';
import { addUser, pullAll, TEST_PASSWORD } from '../test/fixtures';
import { newInvitation, startTestServer, type ApiClient, type TestServer } from '../test/server';

let server: TestServer;
let ritz: ApiClient;
beforeAll(async () => {
  server = await startTestServer();
  ritz = await server.as('ritz@demo.plusone');
});
afterAll(() => server?.close());

/** K over the window of whole UTC days ending today (by the time each invitation counts at), from the raw rows. */
async function kBySql(windowDays: number) {
  const [row] = await server.testDb.db.query<{ accepted: number; inviters: number; invited: number }>(
    `WITH w AS (SELECT * FROM invitations WHERE NOT deleted
                 AND (counted_at AT TIME ZONE 'UTC')::date > (now() AT TIME ZONE 'UTC')::date - $1::int)
     SELECT (SELECT count(*) FROM w WHERE status = 'accepted')::int AS accepted,
            (SELECT count(*) FROM (SELECT DISTINCT inviter_id FROM w) d)::int AS inviters,
            (SELECT count(*) FROM w)::int AS invited`,
    [windowDays],
  );
  return { ...row!, k: row!.inviters === 0 ? 0 : row!.accepted / row!.inviters };
}

const coefficient = (client: ApiClient, query = '') => client.get(`/api/viral/coefficient${query}`);

describe('GET /api/viral/coefficient', () => {
  it.each([7, 30, 90])('over %i days answers K = accepted ÷ inviters, as SQL counts it', async (windowDays) => {
    const res = await coefficient(ritz, `?windowDays=${windowDays}`);
    expect(res.status).toBe(200);
    // The answer's schema takes it as the shown form, which is the webhook's snapshot exactly.
    const snapshot = CoefficientSnapshot.parse(CoefficientAnswer.parse(res.body));
    expect(Object.keys(res.body).sort()).toEqual(['accepted', 'computedAt', 'inviters', 'k', 'sent', 'status', 'windowDays']);
    const expected = await kBySql(windowDays);
    expect(expected.inviters).toBeGreaterThan(0);
    expect(snapshot).toMatchObject({ windowDays, inviters: expected.inviters, accepted: expected.accepted, sent: expected.invited });
    expect(snapshot.k).toBeCloseTo(expected.k, 12);
    expect(snapshot.status).toBe(kStatus(snapshot.k));
    expect(Math.abs(Date.parse(snapshot.computedAt) - Date.now())).toBeLessThan(60_000);
  });

  it('defaults to 30 days; other windows answer 400 INVALID_INPUT; no session 401', async () => {
    expect((await coefficient(ritz)).body.windowDays).toBe(30);
    for (const query of ['?windowDays=5', '?windowDays=abc', '?windowDays=30.5', '?window=30']) {
      const res = await coefficient(ritz, query);
      expect([res.status, res.body.error?.code], query).toEqual([400, 'INVALID_INPUT']);
    }
    expect((await coefficient(server.anonymous())).status).toBe(401);
  });

  it('a first invitation in the window by a new inviter adds one inviter and one sent', async () => {
    await addUser(server.testDb.db, { id: 'u-newbie', email: 'newbie@test.plusone', role: 'supplier', orgId: 'org-newbie' });
    const newbie = await server.as('newbie@test.plusone', TEST_PASSWORD);
    const before = (await coefficient(newbie, '?windowDays=7')).body;
    const push = await newbie.push('invitations', [{ newDocumentState: newInvitation('u-newbie') }]);
    expect(push.body.results[0].outcome).toBe('applied');
    const after = (await coefficient(newbie, '?windowDays=7')).body;
    expect(after).toMatchObject({ inviters: before.inviters + 1, sent: before.sent + 1, accepted: before.accepted });
    expect(after.k).toBeCloseTo(before.accepted / (before.inviters + 1), 12);
  });
});

describe('GET /api/viral/coefficient under 5 inviters', () => {
  let quiet: TestServer;
  beforeAll(async () => {
    quiet = await startTestServer({ demo: false });
  });
  afterAll(() => quiet?.close());

  it('answers the suppressed form of its schema: the same keys, every figure null, suppressed: true', async () => {
    await addUser(quiet.testDb.db, { id: 'u-lone', email: 'lone@test.plusone', role: 'supplier', orgId: 'org-lone' });
    const lone = await quiet.as('lone@test.plusone', TEST_PASSWORD);
    expect((await lone.push('invitations', [{ newDocumentState: newInvitation('u-lone') }])).body.results[0].outcome).toBe('applied');
    const res = await coefficient(lone, '?windowDays=7');
    expect(res.status).toBe(200);
    const answer = CoefficientAnswer.parse(res.body);
    expect(answer).toMatchObject({ k: null, inviters: null, sent: null, accepted: null, status: null, windowDays: 7, suppressed: true });
    // Not the webhook's shape, and a half-hidden answer would be neither form.
    expect(CoefficientSnapshot.safeParse(res.body).success).toBe(false);
    expect(CoefficientAnswer.safeParse({ ...res.body, inviters: 1 }).success).toBe(false);
  });
});

describe('metrics snapshots (pull-only)', () => {
  it('one platform snapshot per window, with the figures GET answers, rewritten only when a write changed them', async () => {
    await server.plusone.metrics.settle(); // a refresh scheduled by an earlier push
    await server.plusone.metrics.refresh();
    const { documents, checkpoint } = await pullAll<MetricsDoc>(ritz, 'metrics');
    const platform = documents.filter((d) => d.kind === 'platform').map((d) => readSnapshot('platform', d)!);
    const byWindow = new Map(platform.map((d) => [d.windowDays, d]));
    expect([...byWindow.keys()].sort((a, b) => a - b)).toEqual([7, 30, 90]);
    for (const [windowDays, doc] of byWindow) {
      const live = (await coefficient(ritz, `?windowDays=${windowDays}`)).body;
      expect(doc).toMatchObject({ k: live.k, inviters: live.inviters, sent: live.sent, accepted: live.accepted });
      expect(doc.invitesPerInviter! * doc.acceptanceRate!).toBeCloseTo(doc.k!, 12);
      expect(doc.kLow).toBeLessThanOrEqual(doc.k!);
      expect(doc.kHigh).toBeGreaterThanOrEqual(doc.k!);
    }
    // A supplier sees the platform, the experiment config and their own snapshot, never the owner's.
    expect(documents.map((d) => d.id).sort()).toEqual(['experiments', 'platform:30', 'platform:7', 'platform:90', 'user:u-ritz']);

    expect(await server.plusone.metrics.refresh()).toEqual([]);
    expect((await pullAll(ritz, 'metrics', checkpoint)).documents).toEqual([]);

    // A push marks the metrics dirty; the coalesced refresh rewrites every window it changed.
    await ritz.push('invitations', [{ newDocumentState: newInvitation('u-ritz') }]);
    await server.plusone.metrics.settle();
    const pulled = await pullAll<MetricsDoc>(ritz, 'metrics', checkpoint);
    expect(pulled.documents.filter((d) => d.kind === 'platform').map((d) => [d.id, readSnapshot('platform', d)!.sent]).sort()).toEqual(
      [7, 30, 90].map((w) => [`platform:${w}`, byWindow.get(w)!.sent! + 1]).sort(),
    );
  });
});

const DAY = 86_400_000;

/**
 * Cycle time from the raw rows: the median of whole days from counting to acceptance of the
 * window's accepted invitations (not deleted, not excluded as fraud), and how many there are.
 */
async function cycleBySql(db: Queryable, windowDays: number): Promise<{ n: number; median: number | null }> {
  const [row] = await db.query<{ n: number; median: number | null }>(
    `SELECT count(*)::int AS n,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY floor(extract(epoch FROM accepted_at - counted_at) / 86400)) AS median
       FROM invitations
      WHERE NOT deleted AND status = 'accepted' AND NOT fraud_excluded
        AND (counted_at AT TIME ZONE 'UTC')::date > (now() AT TIME ZONE 'UTC')::date - $1::int`,
    [windowDays],
  );
  return { n: row!.n, median: row!.median === null ? null : Number(row!.median) };
}

async function platformSnapshots(s: TestServer, client: ApiClient) {
  await s.plusone.metrics.settle();
  await s.plusone.metrics.refresh();
  const { documents } = await pullAll<MetricsDoc>(client, 'metrics');
  return new Map(documents.filter((d) => d.kind === 'platform').map((d) => [readSnapshot('platform', d)!.windowDays, readSnapshot('platform', d)!]));
}

describe('cycle time (median days from invitation to acceptance)', () => {
  it("is the raw rows' median in every window, as SQL computes it apart from the counters", async () => {
    const snapshots = await platformSnapshots(server, ritz);
    let compared = 0;
    for (const windowDays of [7, 30, 90]) {
      const raw = await cycleBySql(server.testDb.db, windowDays);
      const doc = snapshots.get(windowDays)!;
      if (raw.n >= 5) {
        compared++;
        expect({ windowDays, cycleDays: doc.cycleDays, cycleSuppressed: doc.cycleSuppressed }).toEqual({ windowDays, cycleDays: raw.median, cycleSuppressed: false });
      } else {
        expect({ windowDays, cycleDays: doc.cycleDays, cycleSuppressed: doc.cycleSuppressed }).toEqual({ windowDays, cycleDays: null, cycleSuppressed: raw.n > 0 });
      }
    }
    // The demo data has enough acceptances for the median to show in the longer windows.
    expect(compared).toBeGreaterThanOrEqual(2);
  });

  describe('over fewer than 5 acceptances', () => {
    let small: TestServer;
    let viewer: ApiClient;
    const now = Date.now();
    /** An invitation of `inviterId` counted `ageDays` ago, accepted `cycleDays` later. */
    const accepted = (inviterId: string, ageDays: number, cycleDays: number) => ({
      ...newInvitation(inviterId, { status: 'accepted' }),
      orgId: null,
      deleted: false,
      countedAt: new Date(now - ageDays * DAY),
      createdAt: new Date(now - ageDays * DAY),
      timeSource: 'server' as const,
      acceptedAt: new Date(now - (ageDays - cycleDays) * DAY + 60_000),
    });

    beforeAll(async () => {
      small = await startTestServer({ demo: false });
      const db = small.testDb.db;
      // Five inviters, so the window's own figures show (DESIGN §6); four of them had an invitation accepted.
      for (let i = 0; i < 5; i++) await addUser(db, { id: `u-inviter-${i}`, email: `inviter-${i}@cycle.test`, role: 'supplier', orgId: `org-${i}` });
      await insertInvitations(db, [
        accepted('u-inviter-0', 10, 1),
        accepted('u-inviter-1', 10, 3),
        accepted('u-inviter-2', 12, 4),
        accepted('u-inviter-3', 15, 8),
        { ...accepted('u-inviter-4', 5, 0), status: 'sent', acceptedAt: undefined },
      ]);
      viewer = await small.as('inviter-0@cycle.test', TEST_PASSWORD);
    });
    afterAll(() => small?.close());

    it('is suppressed ("fewer than 5"), while the counts beside it show; the fifth acceptance shows it, equal to SQL\'s median', async () => {
      const before = (await platformSnapshots(small, viewer)).get(30)!;
      expect(before).toMatchObject({ suppressed: false, inviters: 5, accepted: 4, cycleDays: null, cycleSuppressed: true });
      expect(await cycleBySql(small.testDb.db, 30)).toEqual({ n: 4, median: 3.5 });

      await insertInvitations(small.testDb.db, [accepted('u-inviter-4', 20, 6)]);
      const after = (await platformSnapshots(small, viewer)).get(30)!;
      expect(await cycleBySql(small.testDb.db, 30)).toEqual({ n: 5, median: 4 });
      expect(after).toMatchObject({ accepted: 5, cycleDays: 4, cycleSuppressed: false });
    });
  });
});
