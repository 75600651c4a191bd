/**
 * Sessions: a random 256-bit token in an httpOnly cookie; only its SHA-256 is stored, so a
 * leaked table does not leak sessions. Looked up on every request and socket handshake.
 */
import { createHash, randomBytes } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import type { SessionUser } from '../../shared/roles';
import type { Queryable } from '../db/db';
import { prepared } from '../db/prepared';

export const SESSION_COOKIE = 'plusone_sid';

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(db: Queryable, userId: string, days: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.query(
    `INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(days => $3))`,
    [sha256(token), userId, days],
  );
  return token;
}

export async function deleteSession(db: Queryable, token: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [sha256(token)]);
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: SessionUser['role'];
  org_id: string | null;
  org_name: string | null;
  created_at?: Date;
}

export function toSessionUser(row: UserRow): SessionUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    orgId: row.org_id,
    orgName: row.org_name,
    ...(row.created_at ? { createdAt: row.created_at.toISOString() } : {}),
  };
}

export async function userForToken(db: Queryable, token: string | undefined): Promise<SessionUser | null> {
  if (!token) return null;
  const rows = await db.query<UserRow>(
    prepared(`SELECT u.id, u.email, u.name, u.role, u.org_id, o.name AS org_name, u.created_at
       FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN organisations o ON o.id = u.org_id
      WHERE s.token_hash = $1 AND s.expires_at > now()`),
    [sha256(token)],
  );
  return rows[0] ? toSessionUser(rows[0]) : null;
}

/** The socket room of one session's sockets (so signing out closes them): named by the token's hash, never the token. */
export const sessionRoom = (token: string): string => `session:${sha256(token)}`;

export function tokenFromCookieHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  return parseCookies(header)[SESSION_COOKIE];
}
