/**
 * Demo data: the accounts of DESIGN §8 and a realistic platform around them over the last 90
 * days (planned in plan.ts: heavy-tailed inviters, channels, template variants, referral chains,
 * bookings, a few super-connectors, the Ritz a gold one). Rows go in through the same SQL as
 * real data: invitations through `insertInvitations`, so the analytics trigger counts them and
 * attributes every accepted invitation to a couple's account, as it does for a push. Every
 * figure on the screens comes from these rows. Deterministic for a seed (relative to `now`).
 */
import { hashPassword } from '../auth/passwords';
import type { Db, Queryable } from '../db/db';
import { insertInvitations } from '../sync/invitations';
import { recomputeConnectors } from '../viral/connectors';
import { compactCounters } from '../viral/kCounters';
import { DEFAULT_SUPPLIERS, planDemo, type DemoPlan } from './plan';

export { DEMO_ACCOUNTS, DEFAULT_SUPPLIERS } from './plan';
export const DEMO_PASSWORD = 'plusone-demo';
export const DEFAULT_SEED = 20261125;

/** Invitations per insert statement. */
const BATCH = 500;

export async function hasUsers(db: Queryable): Promise<boolean> {
  const rows = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM users) AS any');
  return rows[0]?.any ?? false;
}

export interface SeedOptions {
  /** Suppliers besides the demo accounts (`npm run seed -- --scale N`); DEFAULT_SUPPLIERS when not given. */
  suppliers?: number;
  /** Or a fraction of the default size (tests and benchmarks want small platforms). */
  scale?: number;
  seed?: number;
  now?: Date;
  /** Progress lines for a person watching a large seed. */
  onProgress?: (line: string) => void;
}

export interface SeedSummary {
  suppliers: number;
  couples: number;
  invitations: number;
  accepted: number;
  /** Couples attributed to a referrer (by the trigger). */
  referred: number;
  bookings: number;
  bookedCents: number;
  /** Nothing was written: another process (a second replica starting at the same moment) seeded first. */
  alreadySeeded?: true;
}

/** Held while seeding, so that of two processes finding no users only one seeds. */
const SEED_LOCK = 7_474_002;

function suppliersFor({ suppliers, scale }: Pick<SeedOptions, 'suppliers' | 'scale'>): number {
  return suppliers ?? Math.round(DEFAULT_SUPPLIERS * (scale ?? 1));
}

async function writePlan(tx: Queryable, plan: DemoPlan, progress: (line: string) => void): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await tx.query(`INSERT INTO organisations (id, name) SELECT * FROM json_to_recordset($1::json) AS o(id text, name text)`, [
    JSON.stringify(plan.orgs),
  ]);
  await tx.query(
    `INSERT INTO users (id, email, name, role, org_id, password_hash, created_at)
     SELECT u.id, u.email, u.name, u.role, u.org, u.hash, u.created_at
       FROM json_to_recordset($1::json) AS u(id text, email text, name text, role text, org text, hash text, created_at timestamptz)`,
    [
      JSON.stringify(
        plan.users.map((u) => ({ id: u.id, email: u.email, name: u.name, role: u.role, org: u.orgId, hash: u.demoAccount ? passwordHash : null, created_at: u.createdAt })),
      ),
    ],
  );
  // In the order they happened, as pushes would have brought them: each accepted invitation
  // finds its couple's account already there, and the counters grow day by day.
  const every = Math.max(BATCH, Math.ceil(plan.invitations.length / 10 / BATCH) * BATCH);
  for (let i = 0; i < plan.invitations.length; i += BATCH) {
    await insertInvitations(tx, plan.invitations.slice(i, i + BATCH));
    const done = Math.min(i + BATCH, plan.invitations.length);
    if (done % every === 0 || done === plan.invitations.length) progress(`invitations ${done.toLocaleString('en-US')} / ${plan.invitations.length.toLocaleString('en-US')}`);
  }
  await tx.query(
    `INSERT INTO bookings (id, couple_id, supplier_id, amount_cents, booked_at, created_at)
     SELECT b.id, b.couple_id, b.supplier_id, b.amount_cents, b.booked_at, b.booked_at
       FROM json_to_recordset($1::json) AS b(id uuid, couple_id text, supplier_id text, amount_cents bigint, booked_at timestamptz)`,
    [JSON.stringify(plan.bookings.map((b) => ({ id: b.id, couple_id: b.coupleId, supplier_id: b.supplierId, amount_cents: b.amountCents, booked_at: b.bookedAt })))],
  );
  // Tiers as the super-connector job would store them.
  await recomputeConnectors(tx, plan.now);
}

export async function seedDemo(db: Db, options: SeedOptions = {}): Promise<SeedSummary> {
  const progress = options.onProgress ?? (() => undefined);
  const plan = planDemo({ suppliers: suppliersFor(options), seed: options.seed ?? DEFAULT_SEED, now: options.now ?? new Date() });
  progress(`planned ${plan.users.length.toLocaleString('en-US')} users, ${plan.invitations.length.toLocaleString('en-US')} invitations, ${plan.bookings.length.toLocaleString('en-US')} bookings`);
  // Two replicas starting together on an empty database both see no users (main.ts): under the
  // lock one seeds, the other then finds its users and writes nothing.
  const wrote = await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
    if (await hasUsers(tx)) return false;
    await writePlan(tx, plan, progress);
    return true;
  });
  if (!wrote) return { suppliers: 0, couples: 0, invitations: 0, accepted: 0, referred: 0, bookings: 0, bookedCents: 0, alreadySeeded: true };
  // The deltas the trigger appended, folded into the counters (the compaction job's work).
  await compactCounters(db);
  const [referred] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE referred_by IS NOT NULL`);
  return {
    suppliers: plan.users.filter((u) => u.role === 'supplier').length,
    couples: plan.users.filter((u) => u.role === 'couple').length,
    invitations: plan.invitations.length,
    accepted: plan.invitations.filter((i) => i.status === 'accepted').length,
    referred: referred?.n ?? 0,
    bookings: plan.bookings.length,
    bookedCents: plan.bookings.reduce((s, b) => s + b.amountCents, 0),
  };
}
