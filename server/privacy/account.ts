/**
 * A person's own data, as one JSON document they can download (issue 8 point 8): their
 * profile, the invitations they sent (with what they wrote in them) and those addressed to
 * them, the events about them, who referred them and whom they referred, their bookings, the
 * segments they are in and their sessions. Plain field names; nothing about anyone else beyond
 * what the person wrote themselves or what names the link to them (an inviter's name on an
 * invitation to them, the ids of the people they referred).
 */
import { builtInSegments } from '../../shared/analytics/segments';
import type { Queryable } from '../db/db';

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

export async function exportAccount(db: Queryable, userId: string, now: Date) {
  const [user] = await db.query<{
    id: string; email: string; name: string; role: string; org_id: string | null; org_name: string | null; created_at: Date;
    referred_by: string | null; referred_at: Date | null; referrer_name: string | null;
  }>(
    `SELECT u.id, u.email, u.name, u.role, u.org_id, o.name AS org_name, u.created_at, u.referred_by, u.referred_at, r.name AS referrer_name
       FROM users u LEFT JOIN organisations o ON o.id = u.org_id LEFT JOIN users r ON r.id = u.referred_by WHERE u.id = $1`,
    [userId],
  );
  if (!user) return null;
  const sent = await db.query<Record<string, any>>(
    `SELECT id, recipient_email, recipient_name, recipient_phone, relationship, channel, variant, status, message,
            created_at, accepted_at, deleted, anonymised_at
       FROM invitations WHERE inviter_id = $1 ORDER BY created_at, id`,
    [userId],
  );
  const received = await db.query<Record<string, any>>(
    `SELECT i.id, u.name AS inviter_name, i.channel, i.status, i.message, i.created_at, i.accepted_at
       FROM invitations i JOIN users u ON u.id = i.inviter_id
      WHERE lower(i.recipient_email) = lower($1) AND NOT i.deleted ORDER BY i.created_at, i.id`,
    [user.email],
  );
  const events = await db.query<Record<string, any>>(
    `SELECT id, type, invitation_id, data, captured_at, created_at FROM viral_events
      WHERE actor_id = $1 OR inviter_id = $1 ORDER BY id`,
    [userId],
  );
  const referred = await db.query<{ id: string; referred_at: Date | null }>(
    'SELECT id, referred_at FROM users WHERE referred_by = $1 ORDER BY referred_at, id',
    [userId],
  );
  const bookings = await db.query<{ id: string; supplier_id: string | null; amount_cents: number; booked_at: Date }>(
    'SELECT id, supplier_id, amount_cents, booked_at FROM bookings WHERE couple_id = $1 ORDER BY booked_at, id',
    [userId],
  );
  const bookedWith = await db.query<{ id: string; amount_cents: number; booked_at: Date }>(
    'SELECT id, amount_cents, booked_at FROM bookings WHERE supplier_id = $1 ORDER BY booked_at, id',
    [userId],
  );
  const segments = await db.query<{ segment_id: string; name: string | null; joined_at: Date }>(
    `SELECT m.segment_id, s.name, m.joined_at FROM segment_members m LEFT JOIN segments s ON s.id = m.segment_id
      WHERE m.user_id = $1 ORDER BY m.segment_id`,
    [userId],
  );
  const [connector] = await db.query<{ tier: string | null; score: number | null; connections: number }>(
    'SELECT tier, score, connections FROM connector_stats WHERE supplier_id = $1',
    [userId],
  );
  const sessions = await db.query<{ created_at: Date; expires_at: Date }>(
    'SELECT created_at, expires_at FROM sessions WHERE user_id = $1 ORDER BY created_at',
    [userId],
  );
  return {
    exportedAt: now.toISOString(),
    profile: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      organisation: user.org_id ? { id: user.org_id, name: user.org_name } : null,
      createdAt: iso(user.created_at),
    },
    invitationsSent: sent.map((r) => ({
      id: r.id,
      recipientEmail: r.recipient_email,
      recipientName: r.recipient_name,
      recipientPhone: r.recipient_phone,
      relationship: r.relationship,
      channel: r.channel,
      variant: r.variant,
      status: r.status,
      message: r.message,
      createdAt: iso(r.created_at),
      acceptedAt: iso(r.accepted_at),
      deleted: r.deleted,
      anonymisedAt: iso(r.anonymised_at),
    })),
    invitationsReceived: received.map((r) => ({
      id: r.id,
      from: r.inviter_name,
      channel: r.channel,
      status: r.status,
      message: r.message,
      createdAt: iso(r.created_at),
      acceptedAt: iso(r.accepted_at),
    })),
    events: events.map((e) => ({ id: e.id, type: e.type, invitationId: e.invitation_id, data: e.data, happenedAt: iso(e.captured_at), recordedAt: iso(e.created_at) })),
    referrals: {
      referredBy: user.referred_by ? { userId: user.referred_by, name: user.referrer_name, referredAt: iso(user.referred_at) } : null,
      referred: referred.map((r) => ({ userId: r.id, referredAt: iso(r.referred_at) })),
    },
    bookings: bookings.map((b) => ({ id: b.id, supplierId: b.supplier_id, amount: b.amount_cents / 100, bookedAt: iso(b.booked_at) })),
    bookingsWithYou: bookedWith.map((b) => ({ id: b.id, amount: b.amount_cents / 100, bookedAt: iso(b.booked_at) })),
    segments: segments.map((s) => ({ id: s.segment_id, name: s.name ?? builtInSegments.find((b) => b.id === s.segment_id)?.name ?? s.segment_id, joinedAt: iso(s.joined_at) })),
    superConnector: connector ? { tier: connector.tier, score: connector.score, connections: connector.connections } : null,
    sessions: sessions.map((s) => ({ createdAt: iso(s.created_at), expiresAt: iso(s.expires_at) })),
  };
}

export type AccountExport = NonNullable<Awaited<ReturnType<typeof exportAccount>>>;
