/**
 * Hand-made people for the segment tests: suppliers and couples with invitations at chosen
 * ages, a tier, a referrer, bookings. Written through the same insert as a push and the demo
 * data, so the triggers keep every counter as they would for real.
 */
import { v7 as uuidv7 } from 'uuid';
import type { InvitationStatus } from '../../shared/invitation';
import type { Role } from '../../shared/roles';
import type { Queryable } from '../db/db';
import { insertInvitations } from '../sync/invitations';
import { addUser } from '../test/fixtures';
import { newInvitation } from '../test/server';

export const DAY = 86_400_000;
export const daysAgo = (now: Date, days: number) => new Date(now.getTime() - days * DAY);

export async function person(db: Queryable, id: string, role: Role = 'supplier'): Promise<string> {
  await addUser(db, { id, email: `${id}@segments.test`, role, orgId: role === 'supplier' ? `org-${id}` : null });
  return id;
}

/** Invitations by `inviterId`, each `ageDays` old, to people who have no account. */
export async function invite(db: Queryable, inviterId: string, now: Date, ages: { ageDays: number; status?: InvitationStatus }[]): Promise<void> {
  await insertInvitations(
    db,
    ages.map(({ ageDays, status = 'sent' }) => {
      const at = daysAgo(now, ageDays);
      return {
        ...newInvitation(inviterId, { status, capturedAt: at.toISOString() }),
        orgId: null,
        deleted: false,
        createdAt: at,
        countedAt: at,
        timeSource: 'device' as const,
        acceptedAt: status === 'accepted' ? at : undefined,
      };
    }),
  );
}

export async function setTier(db: Queryable, supplierId: string, tier: string | null, connections: number): Promise<void> {
  await db.query(
    `INSERT INTO connector_stats (supplier_id, connections, tier) VALUES ($1, $2, $3)
     ON CONFLICT (supplier_id) DO UPDATE SET connections = EXCLUDED.connections, tier = EXCLUDED.tier`,
    [supplierId, connections, tier],
  );
}

export async function referredBy(db: Queryable, userId: string, referrerId: string, at: Date): Promise<void> {
  await db.query('UPDATE users SET referred_by = $2, referred_at = $3 WHERE id = $1', [userId, referrerId, at]);
}

export async function booking(db: Queryable, coupleId: string, dollars: number, at: Date): Promise<void> {
  await db.query('INSERT INTO bookings (id, couple_id, amount_cents, booked_at) VALUES ($1, $2, $3, $4)', [uuidv7(), coupleId, dollars * 100, at]);
}

/** segment.joined / segment.left events about `userId`, oldest first. */
export async function segmentEvents(db: Queryable, userId: string) {
  return db.query<{ type: string; segmentId: string; actor_id: string; inviter_id: string }>(
    `SELECT type, data->>'segmentId' AS "segmentId", actor_id, inviter_id FROM viral_events
      WHERE type IN ('segment.joined', 'segment.left') AND actor_id = $1 ORDER BY rev`,
    [userId],
  );
}
