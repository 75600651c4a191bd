/**
 * The owner's referred-revenue report against SQL written here, independently of the report's
 * own query and arithmetic: 25 referred bookers in two chains, one four levels deep, every
 * figure over 5 people or more (so every one is shown and can be compared).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { AttributionData } from '../../shared/analytics/snapshots';
import type { Db } from '../db/db';
import { addOldInvitations } from '../privacy/privacyFixtures';
import { freshDb, type TestDb } from '../test/databases';
import { addUser } from '../test/fixtures';
import { readAttributionReport } from './attribution';

let t: TestDb;
let db: Db;
let report: AttributionData;

/** Who referred whom: S → A0..A4; A0 → B0..B4; B0 → C0..C4; C0 → D0..D4 (4 levels below S); T → E0..E4. */
const generations: Array<[referrer: string, prefix: string]> = [['u-s', 'a'], ['a0', 'b'], ['b0', 'c'], ['c0', 'd'], ['u-t', 'e']];

beforeAll(async () => {
  t = await freshDb();
  db = t.db;
  for (const id of ['u-s', 'u-t']) await addUser(db, { id, email: `${id}@revenue.test`, role: 'supplier', orgId: `org-${id}` });
  let k = 0;
  for (const [referrer, prefix] of generations) {
    for (let i = 0; i < 5; i++, k++) {
      const id = `${prefix}${i}`;
      const email = `${id}@revenue.test`;
      await addUser(db, { id, email, role: 'couple' });
      const channel = k % 2 ? 'sms' : 'email';
      const [invitationId] = await addOldInvitations(db, [
        { inviterId: referrer, recipientEmail: email, daysAgo: 40, channel, variant: k % 3 === 0 ? 'variant_a' : 'control', ...(channel === 'sms' ? { recipientPhone: '+447911123456' } : {}) },
      ]);
      await db.query('UPDATE users SET referred_by = $2, referred_at = now(), referral_invitation_id = $3 WHERE id = $1', [id, referrer, invitationId]);
      const bookedAt = k % 2 ? '2026-02-10T12:00:00Z' : '2026-01-20T12:00:00Z';
      await db.query('INSERT INTO bookings (id, couple_id, amount_cents, booked_at) VALUES ($1, $2, $3, $4)', [uuidv7(), id, 100_000 + k * 1_037, bookedAt]);
    }
  }
  // One booker books twice, in two months.
  await db.query("INSERT INTO bookings (id, couple_id, amount_cents, booked_at) VALUES ($1, 'a0', 55555, '2026-02-01T09:00:00Z')", [uuidv7()]);
  report = await readAttributionReport(db);
});
afterAll(() => t?.drop());

interface Group {
  key: string;
  people: number;
  cents: string;
}
const dollars = (cents: string | number) => Number(cents) / 100;
const asRows = (groups: Group[]) => groups.map((g) => ({ key: g.key, people: g.people, revenue: dollars(g.cents) })).sort((a, b) => a.key.localeCompare(b.key));
const shown = (rows: AttributionData['byChannel']) => rows.map((r) => ({ key: r.key, people: r.people, revenue: r.revenue })).sort((a, b) => a.key.localeCompare(b.key));

/** Bookings of referred people only. */
const REFERRED = 'FROM bookings b JOIN users u ON u.id = b.couple_id WHERE u.referred_by IS NOT NULL';

describe('referred revenue, against SQL', () => {
  it('the total counts every referred booker, the one 4 levels down included; direct is bookers whose referrer nobody referred', async () => {
    const [all] = await db.query<{ people: number; cents: string }>(`SELECT count(DISTINCT b.couple_id)::int AS people, sum(b.amount_cents) AS cents ${REFERRED}`);
    const [direct] = await db.query<{ cents: string }>(
      `SELECT sum(b.amount_cents) AS cents ${REFERRED} AND (SELECT r.referred_by FROM users r WHERE r.id = u.referred_by) IS NULL`,
    );
    expect(all!.people).toBe(25);
    expect(report).toMatchObject({ suppressed: false, referredPeople: 25, total: dollars(all!.cents), direct: dollars(direct!.cents) });
    expect(report.indirect).toBeCloseTo(dollars(all!.cents) - dollars(direct!.cents), 6);
  });

  it('by referrer: direct (level 1), indirect (levels 2–3) and their total, each booker credited to the 3 referrers above them', async () => {
    // Every (booker, referrer above, level) pair up to 3 levels, walked one step at a time.
    const credited = await db.query<{ referrer: string; people: number; cents: string; direct: string; indirect: string }>(
      `WITH RECURSIVE booker AS (SELECT couple_id AS id, sum(amount_cents) AS cents FROM bookings GROUP BY couple_id),
       up (booker, ancestor, level) AS (
         SELECT u.id, u.referred_by, 1 FROM users u JOIN booker ON booker.id = u.id WHERE u.referred_by IS NOT NULL
         UNION ALL
         SELECT up.booker, a.referred_by, up.level + 1 FROM up JOIN users a ON a.id = up.ancestor WHERE a.referred_by IS NOT NULL AND up.level < 3)
       SELECT up.ancestor AS referrer, count(*)::int AS people, sum(booker.cents) AS cents,
              coalesce(sum(booker.cents) FILTER (WHERE up.level = 1), 0) AS direct,
              coalesce(sum(booker.cents) FILTER (WHERE up.level > 1), 0) AS indirect
         FROM up JOIN booker ON booker.id = up.booker GROUP BY up.ancestor`,
    );
    const expected = credited
      .map((c) => ({ key: c.referrer, people: c.people, revenue: dollars(c.cents), direct: dollars(c.direct), indirect: dollars(c.indirect), suppressed: false }))
      .sort((a, b) => a.key.localeCompare(b.key));
    const got = report.byReferrer.map(({ label: _label, ...r }) => r).sort((a, b) => a.key.localeCompare(b.key));
    expect(got).toEqual(expected);
    // S is credited with A, B and C (15 people), not with D, 4 levels below.
    expect(got.find((r) => r.key === 'u-s')!.people).toBe(15);
    expect(report.byReferrer.find((r) => r.key === 'u-s')!.label).toBe('u-s');
  });

  it('by channel and by template variant of the invitation that brought the booker in, with their names in words', async () => {
    const by = (column: string) =>
      db.query<Group>(`SELECT i.${column} AS key, count(DISTINCT b.couple_id)::int AS people, sum(b.amount_cents) AS cents ${REFERRED.replace('WHERE', 'JOIN invitations i ON i.id = u.referral_invitation_id WHERE')} GROUP BY 1`);
    expect(shown(report.byChannel)).toEqual(asRows(await by('channel')));
    expect(shown(report.byVariant)).toEqual(asRows(await by('variant')));
    expect(report.byChannel.map((r) => r.label).sort()).toEqual(['Email', 'SMS']);
    expect(report.byVariant.map((r) => r.label).sort()).toEqual(['Control', 'Variant a']);
  });

  it('by month of the booking (UTC), in order, named in words', async () => {
    const months = await db.query<Group>(`SELECT to_char(b.booked_at AT TIME ZONE 'UTC', 'YYYY-MM') AS key, count(DISTINCT b.couple_id)::int AS people, sum(b.amount_cents) AS cents ${REFERRED} GROUP BY 1`);
    expect(report.byMonth.map((r) => ({ key: r.key, people: r.people, revenue: r.revenue }))).toEqual(asRows(months));
    expect(report.byMonth.map((r) => r.label)).toEqual(['January 2026', 'February 2026']);
  });
});
