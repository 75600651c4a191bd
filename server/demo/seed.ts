/**
 * Demo data: the accounts of DESIGN §8 and a small platform around them (a few hundred
 * suppliers and couples, invitations over 90 days with a heavy-tailed number per inviter, the
 * Ritz coordinator among the busiest). Invitations go in through `insertInvitations`, the same
 * SQL as a push, so every figure on the screens comes from the same code paths as real data.
 * Deterministic for a given seed.
 */
import { v7 as uuidv7 } from 'uuid';
import { channels, type Channel, type InvitationStatus, type Relationship } from '../../shared/invitation';
import { createRng, type Rng } from '../../shared/random';
import type { Role } from '../../shared/roles';
import { hashPassword } from '../auth/passwords';
import type { Db, Queryable } from '../db/db';
import { insertInvitations, type NewInvitation } from '../sync/invitations';

export const DEMO_PASSWORD = 'plusone-demo';

export const DEMO_ACCOUNTS: { id: string; email: string; name: string; role: Role; org: string | null; note: string }[] = [
  { id: 'u-ritz', email: 'ritz@demo.plusone', name: 'Rita Castell', role: 'supplier', org: 'org-ritz', note: 'venue coordinator at The Ritz, a super-connector' },
  { id: 'u-photo', email: 'photo@demo.plusone', name: 'Pablo Ortiz', role: 'supplier', org: 'org-lumen', note: 'wedding photographer' },
  { id: 'u-couple', email: 'couple@demo.plusone', name: 'Sam & Alex', role: 'couple', org: null, note: 'a couple planning their wedding' },
  { id: 'u-coordinator', email: 'coordinator@demo.plusone', name: 'Chloe Marsh', role: 'coordinator', org: 'org-ritz', note: 'events coordinator, reads referral stats' },
  { id: 'u-owner', email: 'owner@demo.plusone', name: 'Olivia Park', role: 'owner', org: null, note: 'platform owner (admin)' },
];

const FIRST = ['Amelia', 'Oliver', 'Isla', 'George', 'Ava', 'Noah', 'Mia', 'Leo', 'Grace', 'Arthur', 'Freya', 'Oscar', 'Lily', 'Harry', 'Ella', 'Jack', 'Sofia', 'Theo', 'Ivy', 'Finn'];
const LAST = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Wright', 'Walker', 'Evans', 'Thomas', 'Roberts', 'Khan', 'Green', 'Hall', 'Wood', 'Clarke', 'Hughes'];
const BUSINESS = ['Venue', 'Photography', 'Florals', 'Catering', 'Bridal', 'Music', 'Cakes', 'Planning', 'Films', 'Stationery'];
const OPEN_STATUSES: InvitationStatus[] = ['sent', 'delivered', 'opened', 'opened', 'declined'];
const RELATIONSHIPS: Relationship[] = ['past_client', 'past_client', 'past_client', 'fellow_supplier', 'friend_family', 'other'];

export async function hasUsers(db: Queryable): Promise<boolean> {
  const rows = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM users) AS any');
  return rows[0]?.any ?? false;
}

interface Person {
  id: string;
  orgId: string | null;
}

function recipient(rng: Rng, n: number) {
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  return { name: `${first} ${last}`, email: `${first}.${last}.${n}@guests.example`.toLowerCase() };
}

function invitationsFor(rng: Rng, inviter: Person, count: number, acceptRate: number, now: number, counter: { n: number }): NewInvitation[] {
  const out: NewInvitation[] = [];
  for (let i = 0; i < count; i++) {
    const ageDays = rng.next() * 90;
    const createdAt = new Date(now - ageDays * 86_400_000);
    const accepted = ageDays > 0.5 && rng.chance(acceptRate);
    const status: InvitationStatus = accepted ? 'accepted' : ageDays < 0.5 ? 'queued' : rng.pick(OPEN_STATUSES);
    const who = recipient(rng, counter.n++);
    const channel: Channel = rng.chance(0.7) ? 'email' : rng.pick(channels);
    out.push({
      id: uuidv7({ msecs: createdAt.getTime() }),
      inviterId: inviter.id,
      orgId: inviter.orgId,
      recipientEmail: who.email,
      recipientName: who.name,
      relationship: rng.pick(RELATIONSHIPS),
      channel,
      status,
      message: '',
      capturedAt: createdAt.toISOString(),
      deviceId: `demo-${inviter.id}`,
      writeId: uuidv7({ msecs: createdAt.getTime() }),
      deleted: false,
      createdAt,
      countedAt: createdAt,
      timeSource: 'device',
    });
  }
  return out;
}

/** Heavy tail: most inviters send a handful, a few send dozens. */
function paretoCount(rng: Rng, min: number, alpha: number, cap: number): number {
  return Math.min(cap, Math.floor(min / Math.pow(1 - rng.next(), 1 / alpha)));
}

export interface SeedSummary {
  suppliers: number;
  couples: number;
  invitations: number;
}

export async function seedDemo(db: Db, { scale = 1, seed = 20261125 }: { scale?: number; seed?: number }): Promise<SeedSummary> {
  const rng = createRng(seed);
  const now = Date.now();
  const supplierCount = Math.round(200 * scale);
  const coupleCount = Math.round(150 * scale);
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  const orgs: { id: string; name: string }[] = [
    { id: 'org-ritz', name: 'The Ritz London' },
    { id: 'org-lumen', name: 'Lumen Photography' },
  ];
  const users: { id: string; email: string; name: string; role: Role; org: string | null; hash: string | null }[] =
    DEMO_ACCOUNTS.map((a) => ({ ...a, hash: passwordHash }));
  for (let i = 0; i < supplierCount; i++) {
    const orgId = `org-s${i}`;
    orgs.push({ id: orgId, name: `${rng.pick(LAST)} ${rng.pick(BUSINESS)}` });
    const n = `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
    users.push({ id: `u-s${i}`, email: `supplier${i}@suppliers.example`, name: n, role: 'supplier', org: orgId, hash: null });
  }
  for (let i = 0; i < coupleCount; i++) {
    const n = `${rng.pick(FIRST)} & ${rng.pick(FIRST)}`;
    users.push({ id: `u-c${i}`, email: `couple${i}@couples.example`, name: n, role: 'couple', org: null, hash: null });
  }

  const counter = { n: 0 };
  const invitations: NewInvitation[] = [
    ...invitationsFor(rng, { id: 'u-ritz', orgId: 'org-ritz' }, 80, 0.8, now, counter),
    ...invitationsFor(rng, { id: 'u-photo', orgId: 'org-lumen' }, 14, 0.4, now, counter),
    ...invitationsFor(rng, { id: 'u-couple', orgId: null }, 3, 0.34, now, counter),
  ];
  for (let i = 0; i < supplierCount; i++) {
    invitations.push(...invitationsFor(rng, { id: `u-s${i}`, orgId: `org-s${i}` }, paretoCount(rng, 3, 1.6, 60), 0.47, now, counter));
  }
  for (let i = 0; i < coupleCount; i += 3) {
    invitations.push(...invitationsFor(rng, { id: `u-c${i}`, orgId: null }, rng.int(1, 3), 0.35, now, counter));
  }

  await db.transaction(async (tx) => {
    await tx.query(`INSERT INTO organisations (id, name) SELECT * FROM json_to_recordset($1::json) AS o(id text, name text)`, [
      JSON.stringify(orgs),
    ]);
    await tx.query(
      `INSERT INTO users (id, email, name, role, org_id, password_hash)
       SELECT u.id, u.email, u.name, u.role, u.org, u.hash
         FROM json_to_recordset($1::json) AS u(id text, email text, name text, role text, org text, hash text)`,
      [JSON.stringify(users)],
    );
    for (let i = 0; i < invitations.length; i += 500) await insertInvitations(tx, invitations.slice(i, i + 500));
  });
  return { suppliers: supplierCount + 2, couples: coupleCount + 1, invitations: invitations.length };
}
