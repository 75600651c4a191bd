/**
 * Test helpers for the privacy suites: every counter as it stands (to prove a change moved
 * none), where a string still appears in the tables that may hold personal data, and old
 * invitations written as history (created a given number of days ago).
 */
import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { newInviteCode, newShortCode } from '../../shared/codes';
import type { Channel, InvitationStatus, Relationship } from '../../shared/invitation';
import type { Queryable } from '../db/db';
import { insertInvitations } from '../sync/invitations';
import { compactCounters } from '../viral/kCounters';
import { counterTables } from '../viral/kRebuild';

const DAY_MS = 86_400_000;

/** Every counter table's live rows (main + deltas), sorted, plus each supplier's connection count. */
export async function counterState(db: Queryable): Promise<Record<string, string[]>> {
  await compactCounters(db);
  const state: Record<string, string[]> = {};
  for (const [table, q] of Object.entries(counterTables)) {
    // A connection is keyed by the address, which anonymising replaces: what must not move is
    // how many connections each supplier has and their mix, not the key.
    const rows = (await db.query<Record<string, unknown>>(q.live)).map(({ recipient_email: _key, ...r }) => r);
    state[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  state.connector_stats = (await db.query('SELECT supplier_id, connections, last_success_at FROM connector_stats ORDER BY supplier_id')).map((r) =>
    JSON.stringify(r),
  );
  return state;
}

/** Tables (and columns) where personal data could hide: the rows that mention `text`. */
export async function mentions(db: Queryable, text: string): Promise<Record<string, number>> {
  const like = `%${text.toLowerCase()}%`;
  const where: Record<string, string> = {
    invitations: 'lower(recipient_email) LIKE $1 OR lower(recipient_name) LIKE $1 OR lower(message) LIKE $1 OR lower(coalesce(recipient_phone, \'\')) LIKE $1',
    deliveries: "lower(address) LIKE $1 OR lower(coalesce(last_error, '')) LIKE $1",
    viral_events: 'lower(data::text) LIKE $1',
    connector_links: 'lower(recipient_email) LIKE $1',
    users: 'lower(email) LIKE $1 OR lower(name) LIKE $1',
    metrics: 'lower(doc::text) LIKE $1',
  };
  const out: Record<string, number> = {};
  for (const [table, cond] of Object.entries(where)) {
    const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${cond}`, [like]);
    if (row!.n > 0) out[table] = row!.n;
  }
  return out;
}

export interface OldInvitation {
  inviterId: string;
  recipientEmail: string;
  daysAgo: number;
  status?: InvitationStatus;
  channel?: Channel;
  relationship?: Relationship;
  recipientPhone?: string | null;
  variant?: string;
}

/** Writes invitations as they were made `daysAgo` (through the same insert as pushes: the trigger counts them). */
export async function addOldInvitations(db: Queryable, rows: OldInvitation[], now = new Date()): Promise<string[]> {
  const inserted = await insertInvitations(
    db,
    rows.map((r) => {
      const at = new Date(now.getTime() - r.daysAgo * DAY_MS);
      return {
        id: uuidv7(),
        inviterId: r.inviterId,
        orgId: null,
        recipientEmail: r.recipientEmail,
        recipientName: 'Alex Example',
        recipientPhone: r.recipientPhone ?? null,
        relationship: r.relationship ?? 'past_client',
        channel: r.channel ?? 'email',
        status: r.status ?? 'sent',
        message: `Dear ${r.recipientEmail}, join us`,
        capturedAt: at.toISOString(),
        deviceId: 'history',
        writeId: uuidv7(),
        deleted: false,
        createdAt: at,
        countedAt: at,
        timeSource: 'server',
        variant: r.variant ?? 'control',
        inviteCode: newInviteCode((n) => randomBytes(n)),
        shortCode: newShortCode((n) => randomBytes(n)),
        ...(r.status === 'accepted' ? { acceptedAt: new Date(at.getTime() + DAY_MS) } : {}),
      };
    }),
  );
  return inserted.map((r) => r.id);
}
