/**
 * The load tool's people, written straight into the database with a session each. Signing in
 * 10,000 users through /api/auth/login would cost 10,000 scrypt hashes (minutes on this
 * machine) and measure nothing we care about, so this test harness inserts the session rows
 * itself, as createSession would (only the token's SHA-256 is stored). The accounts have no
 * password: nobody can sign in as them.
 *
 * Layout, by index: one in fifty is an owner (the dashboard room); the rest sit in
 * organisations of ten, whose second member is the coordinator (the organisation's room), the
 * others suppliers who invite.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../../shared/roles';
import { SESSION_COOKIE } from '../auth/sessions';
import type { Queryable } from '../db/db';

export interface LoadUser {
  id: string;
  email: string;
  role: Role;
  orgId: string | null;
  /** `plusone_sid=<token>`, as a browser would send it. */
  cookie: string;
}

export function roleAt(i: number): Role {
  if (i % 50 === 0) return 'owner';
  return i % 10 === 1 ? 'coordinator' : 'supplier';
}

export function layout(n: number, runId: string): Omit<LoadUser, 'cookie'>[] {
  return Array.from({ length: n }, (_, i) => {
    const role = roleAt(i);
    return { id: `u-load-${runId}-${i}`, email: `load-${i}@${runId}.load.plusone`, role, orgId: role === 'owner' ? null : `org-load-${runId}-${Math.floor(i / 10)}` };
  });
}

/** Inserts `n` users (and their organisations) with one session each; returns them with their cookies. */
export async function insertLoadUsers(db: Queryable, n: number, runId: string): Promise<LoadUser[]> {
  const people = layout(n, runId).map((p) => ({ ...p, token: randomBytes(32).toString('base64url') }));
  const orgs = [...new Set(people.map((p) => p.orgId).filter((o): o is string => o !== null))];
  await db.query('INSERT INTO organisations (id, name) SELECT id, id FROM unnest($1::text[]) AS id ON CONFLICT DO NOTHING', [orgs]);
  await db.query(
    `INSERT INTO users (id, email, name, role, org_id)
     SELECT id, email, id, role, org_id FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(id, email, role, org_id)`,
    [people.map((p) => p.id), people.map((p) => p.email), people.map((p) => p.role), people.map((p) => p.orgId)],
  );
  await db.query(
    `INSERT INTO sessions (token_hash, user_id, expires_at)
     SELECT token_hash, user_id, now() + interval '1 day' FROM unnest($1::text[], $2::text[]) AS s(token_hash, user_id)`,
    [people.map((p) => createHash('sha256').update(p.token).digest('hex')), people.map((p) => p.id)],
  );
  return people.map(({ token, ...p }) => ({ ...p, cookie: `${SESSION_COOKIE}=${token}` }));
}
