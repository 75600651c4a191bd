/**
 * POST /api/bookings on a real server: who may record a booking, the repeat of one, refusals
 * that change nothing, and the referrers' figures following a new booking.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { readSnapshot } from '../../shared/analytics/snapshots';
import type { MetricsDoc } from '../../shared/metrics';
import { addUser, countRows, pullAll, TEST_PASSWORD } from '../test/fixtures';
import { startTestServer, type ApiClient, type TestServer } from '../test/server';

let server: TestServer;
const as: Record<string, ApiClient> = {};

const people = [
  { id: 'u-owner', role: 'owner', orgId: null },
  { id: 'sup-a', role: 'supplier', orgId: 'org-a' },
  { id: 'sup-a2', role: 'supplier', orgId: 'org-a' },
  { id: 'sup-b', role: 'supplier', orgId: 'org-b' },
  { id: 'coord-a', role: 'coordinator', orgId: 'org-a' },
  { id: 'ref1', role: 'couple', orgId: null },
  { id: 'cpl', role: 'couple', orgId: null },
  ...[2, 3, 4, 5].map((n) => ({ id: `cpl${n}`, role: 'couple', orgId: null }) as const),
] as const;

beforeAll(async () => {
  server = await startTestServer({ demo: false });
  const db = server.testDb.db;
  for (const p of people) await addUser(db, { id: p.id, email: `${p.id}@bookings.test`, role: p.role, orgId: p.orgId });
  // sup-a referred ref1, who referred cpl.
  await db.query("UPDATE users SET referred_by = 'sup-a', referred_at = now() WHERE id = 'ref1'");
  await db.query("UPDATE users SET referred_by = 'ref1', referred_at = now() WHERE id = 'cpl'");
  // Four more of ref1's referrals booked $1,000 each: with cpl's booking ref1's figures are over 5 bookers.
  for (const n of [2, 3, 4, 5]) {
    await db.query("UPDATE users SET referred_by = 'ref1', referred_at = now() WHERE id = $1", [`cpl${n}`]);
    await db.query('INSERT INTO bookings (id, couple_id, amount_cents, booked_at) VALUES ($1, $2, 100000, now())', [uuidv7(), `cpl${n}`]);
  }
  for (const p of people) as[p.id] = await server.as(`${p.id}@bookings.test`, TEST_PASSWORD);
});
afterAll(() => server?.close());

const booking = (over: Record<string, unknown> = {}) => ({ id: uuidv7(), couple: 'cpl@bookings.test', amountCents: 250_000, bookedAt: '2026-01-15T10:30:00.000Z', ...over });
const rowOf = async (id: string) =>
  (await server.testDb.db.query('SELECT couple_id, supplier_id, amount_cents::int AS cents, booked_at FROM bookings WHERE id = $1', [id]))[0];

/** The referred revenue `userId`'s own snapshot shows (null under 5 bookers), once the scheduled refreshes are done. */
async function revenueSeenBy(userId: string): Promise<number | null | undefined> {
  await server.plusone.metrics.settle();
  const docs = (await pullAll<MetricsDoc>(as[userId]!, 'metrics')).documents;
  return readSnapshot('user', docs.find((d) => d.id === `user:${userId}`))?.referredRevenue.total;
}

describe('POST /api/bookings', () => {
  it("a supplier records their own booking (201); the same booking again is answered 200 and written once; the referrer's figures follow", async () => {
    expect(await revenueSeenBy('ref1')).toBeNull();
    const body = booking({ couple: 'CPL@Bookings.test' });
    const first = await as['sup-a']!.post('/api/bookings', body);
    expect(first.status).toBe(201);
    expect(first.body.booking).toMatchObject({ id: body.id, coupleId: 'cpl', supplierId: 'sup-a', amountCents: 250_000, bookedAt: body.bookedAt });
    expect(await rowOf(body.id)).toEqual({ couple_id: 'cpl', supplier_id: 'sup-a', cents: 250_000, booked_at: new Date(body.bookedAt) });

    const again = await as['sup-a']!.post('/api/bookings', body);
    expect([again.status, again.body]).toEqual([200, first.body]);
    expect(await countRows(server.testDb.db, 'bookings', 'id = $1', [body.id])).toBe(1);
    // cpl's referrer now has 5 bookers among their referrals: the figure shows, this booking in it.
    expect(await revenueSeenBy('ref1')).toBe(4 * 1000 + 2500);
  });

  it('a supplier may record a booking of a colleague of their organisation; the owner any, by couple id, with or without a supplier', async () => {
    const colleague = booking({ supplierId: 'sup-a2' });
    expect((await as['sup-a']!.post('/api/bookings', colleague)).status).toBe(201);
    expect(await rowOf(colleague.id)).toMatchObject({ supplier_id: 'sup-a2' });
    const byOwner = booking({ couple: 'cpl', supplierId: 'sup-b' });
    expect((await as['u-owner']!.post('/api/bookings', byOwner)).status).toBe(201);
    const noSupplier = booking({ couple: 'cpl' });
    expect((await as['u-owner']!.post('/api/bookings', noSupplier)).status).toBe(201);
    expect(await rowOf(noSupplier.id)).toMatchObject({ couple_id: 'cpl', supplier_id: null });
  });

  it("another organisation's supplier is refused 403, a couple or coordinator 403, no session 401: nothing is written", async () => {
    const before = await countRows(server.testDb.db, 'bookings');
    const refused: Array<[ApiClient, unknown, number, string]> = [
      [as['sup-b']!, booking({ supplierId: 'sup-a' }), 403, 'FORBIDDEN'],
      [as['coord-a']!, booking({ supplierId: 'sup-a' }), 403, 'FORBIDDEN'],
      [as['cpl']!, booking(), 403, 'FORBIDDEN'],
      [server.anonymous(), booking(), 401, 'UNAUTHENTICATED'],
    ];
    for (const [client, body, status, code] of refused) {
      const res = await client.post('/api/bookings', body);
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
    }
    expect(await countRows(server.testDb.db, 'bookings')).toBe(before);
  });

  it('bad input is refused 400 INVALID_INPUT naming the field, and changes nothing', async () => {
    const taken = booking();
    expect((await as['sup-a']!.post('/api/bookings', taken)).status).toBe(201);
    const before = await countRows(server.testDb.db, 'bookings');
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const cases: Array<[string, unknown, RegExp]> = [
      ['no id', { ...booking(), id: undefined }, /^id: /],
      ['an id that is not a UUID', booking({ id: 'booking-1' }), /^id: /],
      ['a zero amount', booking({ amountCents: 0 }), /^amountCents: /],
      ['a negative amount', booking({ amountCents: -5 }), /^amountCents: /],
      ['a fraction of a cent', booking({ amountCents: 10.5 }), /^amountCents: /],
      ['an amount as text', booking({ amountCents: '100' }), /^amountCents: /],
      ['an amount too large', booking({ amountCents: 1_000_000_001 }), /^amountCents: /],
      ['a date without a time', booking({ bookedAt: '2026-01-15' }), /^bookedAt: /],
      ['a date in the future', booking({ bookedAt: inAnHour }), /^bookedAt: a booking cannot be made in the future$/],
      ['a date before 2000', booking({ bookedAt: '1999-12-31T23:00:00Z' }), /^bookedAt: /],
      ['an unknown couple', booking({ couple: 'nobody@bookings.test' }), /^couple: no couple's account has the email nobody@bookings.test$/],
      ['a supplier as the couple', booking({ couple: 'sup-b@bookings.test' }), /^couple: /],
      ['an unknown supplier', booking({ supplierId: 'sup-z' }), /^supplierId: no supplier's account has the id sup-z$/],
      ['a couple as the supplier', booking({ supplierId: 'ref1' }), /^supplierId: /],
      ['a key the route does not know', booking({ currency: 'EUR' }), /currency/],
      ['the id of another booking', { ...taken, amountCents: taken.amountCents + 1 }, /^id: this id already names a different booking/],
    ];
    for (const [what, body, message] of cases) {
      const res = await as['sup-a']!.post('/api/bookings', body);
      expect([res.status, res.body.error?.code], what).toEqual([400, 'INVALID_INPUT']);
      expect(res.body.error.message, what).toMatch(message);
    }
    expect(await countRows(server.testDb.db, 'bookings')).toBe(before);
    expect(await rowOf(taken.id)).toMatchObject({ cents: taken.amountCents });
  });
});
