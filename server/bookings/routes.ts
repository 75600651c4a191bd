/**
 * Recording a booking (shared/bookings.ts):
 *
 *   POST /api/bookings  { id, couple, supplierId?, amountCents, bookedAt }
 *     201 { booking }   recorded
 *     200 { booking }   the same booking again (same id and details): nothing new is written
 *     400 INVALID_INPUT  a field is wrong, the couple or supplier is not an account of that
 *                        kind, bookedAt is in the future, or the id names another booking
 *     401 / 403          no session / not a supplier or the owner, or a supplier of another
 *                        organisation than the one booked
 *
 * A new booking changes referred revenue: the couple is marked dirty for the metrics, and the
 * publisher recomputes their snapshot and their referrers' up to 3 levels up (withReferrers in
 * viral/attribution.ts), then the owner's report and the segments.
 */
import express, { type Express } from 'express';
import { BOOKED_AT_LEEWAY_MS, isEmailRef, NewBooking, type Booking } from '../../shared/bookings';
import { ErrorCode } from '../../shared/errors';
import type { SessionUser } from '../../shared/roles';
import { requireRole } from '../auth/routes';
import type { Db, Queryable } from '../db/db';
import { HttpError, parse } from '../http/errors';
import type { MetricsPublisher } from '../viral/metricsPublisher';

export interface BookingsDeps {
  db: Db;
  metrics: Pick<MetricsPublisher, 'markDirty'>;
}

/** int8 comes back as a number and timestamps as Date on both engines (server/db/db.ts). */
interface BookingRow {
  id: string;
  couple_id: string;
  supplier_id: string | null;
  amount_cents: number;
  booked_at: Date;
  created_at: Date;
}

const COLUMNS = 'id, couple_id, supplier_id, amount_cents, booked_at, created_at';

const toBooking = (r: BookingRow): Booking => ({
  id: r.id,
  coupleId: r.couple_id,
  supplierId: r.supplier_id,
  amountCents: r.amount_cents,
  bookedAt: r.booked_at.toISOString(),
  createdAt: r.created_at.toISOString(),
});

const invalid = (message: string) => new HttpError(ErrorCode.INVALID_INPUT, message);

/** The supplier booked: the caller themselves, or (owner, or a colleague of the same organisation) the one named. */
async function supplierFor(db: Queryable, user: SessionUser, supplierId: string | undefined): Promise<string | null> {
  if (supplierId === undefined) return user.role === 'supplier' ? user.id : null;
  if (supplierId === user.id) return user.id;
  const [s] = await db.query<{ role: string; org_id: string | null }>('SELECT role, org_id FROM users WHERE id = $1', [supplierId]);
  if (!s || s.role !== 'supplier') throw invalid(`supplierId: no supplier's account has the id ${supplierId}`);
  if (user.role === 'supplier' && (user.orgId === null || s.org_id !== user.orgId)) {
    throw new HttpError(ErrorCode.FORBIDDEN, 'a supplier may record bookings of their own organisation only');
  }
  return supplierId;
}

async function coupleFor(db: Queryable, couple: string): Promise<string> {
  const byEmail = isEmailRef(couple);
  const [c] = await db.query<{ id: string; role: string }>(
    byEmail ? 'SELECT id, role FROM users WHERE email = $1' : 'SELECT id, role FROM users WHERE id = $1',
    [byEmail ? couple.toLowerCase() : couple],
  );
  if (!c || c.role !== 'couple') throw invalid(`couple: no couple's account has ${byEmail ? 'the email' : 'the id'} ${couple}`);
  return c.id;
}

export function installBookings(app: Express, deps: BookingsDeps): void {
  const { db } = deps;
  const router = express.Router();

  router.post('/', async (req, res) => {
    const user = requireRole(req, ['supplier', 'owner']);
    const input = parse(NewBooking, req.body);
    const bookedAt = new Date(input.bookedAt);
    if (bookedAt.getTime() > Date.now() + BOOKED_AT_LEEWAY_MS) throw invalid('bookedAt: a booking cannot be made in the future');
    const supplierId = await supplierFor(db, user, input.supplierId);
    const coupleId = await coupleFor(db, input.couple);

    const [created] = await db.query<BookingRow>(
      `INSERT INTO bookings (id, couple_id, supplier_id, amount_cents, booked_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO NOTHING
       RETURNING ${COLUMNS}`,
      [input.id, coupleId, supplierId, input.amountCents, bookedAt],
    );
    if (created) {
      deps.metrics.markDirty({ userIds: [coupleId] });
      res.status(201).json({ booking: toBooking(created) });
      return;
    }
    // The id is taken: a repeat of this very booking is answered as it was recorded.
    const [existing] = await db.query<BookingRow>(`SELECT ${COLUMNS} FROM bookings WHERE id = $1`, [input.id]);
    const same =
      existing &&
      existing.couple_id === coupleId &&
      existing.supplier_id === supplierId &&
      existing.amount_cents === input.amountCents &&
      existing.booked_at.getTime() === bookedAt.getTime();
    if (!same) throw invalid('id: this id already names a different booking (make a new id for a new booking)');
    res.status(200).json({ booking: toBooking(existing) });
  });

  app.use('/api/bookings', router);
}
