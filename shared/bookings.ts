/**
 * A booking: a couple booked a supplier, for an amount. Bookings give referred revenue
 * (shared/analytics/revenueReport.ts). Amounts are whole cents of the platform's one currency
 * (dollars; the `bookings` table of migration 004 has no currency column).
 *
 * `POST /api/bookings` takes a `NewBooking`. Its `id` is made by the client (a UUID), so sending
 * the same booking again (a retry after a lost answer) records it once: the server answers 201
 * the first time and 200 with the same booking after that; the same id with other details is
 * refused. Who may record one: the owner, or a supplier of the organisation that was booked.
 */
import { z } from 'zod';

/** $10,000,000: a larger amount is taken for a typing mistake. */
export const MAX_BOOKING_CENTS = 1_000_000_000;

/** How far ahead of the server's clock `bookedAt` may be (a device's clock runs a little fast). */
export const BOOKED_AT_LEEWAY_MS = 10 * 60_000;

/** An earlier `bookedAt` is taken for a typing mistake. */
export const EARLIEST_BOOKING = '2000-01-01T00:00:00Z';

export const NewBooking = z.strictObject({
  /** Made by the client: a repeat with the same id records nothing new. */
  id: z.uuid(),
  /** The couple who booked: their account's email, or its id. */
  couple: z.string().trim().min(1).max(320),
  /** The supplier booked; a supplier recording their own booking may leave it out. */
  supplierId: z.string().trim().min(1).max(100).optional(),
  amountCents: z.number().int().positive().max(MAX_BOOKING_CENTS),
  /** When the couple booked (ISO 8601 with a time zone); not in the future. */
  bookedAt: z.iso.datetime({ offset: true }).refine((t) => Date.parse(t) >= Date.parse(EARLIEST_BOOKING), 'must be in 2000 or later'),
});
export type NewBooking = z.infer<typeof NewBooking>;

export const Booking = z.object({
  id: z.string(),
  coupleId: z.string(),
  supplierId: z.string().nullable(),
  amountCents: z.number().int().positive(),
  bookedAt: z.string(),
  createdAt: z.string(),
});
export type Booking = z.infer<typeof Booking>;

/** Whether `couple` names the account by email (else by id). */
export const isEmailRef = (couple: string): boolean => couple.includes('@');
