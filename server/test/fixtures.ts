/**
 * Small helpers for integration tests: add an account, count rows, pull a whole feed (asking
 * again while rows are held, as the protocol says), and wait for a socket event.
 */
import type { Socket } from 'socket.io-client';
import type { Role } from '../../shared/roles';
import type { Checkpoint } from '../../shared/sync/protocol';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/sync/socket';
import { hashPassword } from '../auth/passwords';
import type { Queryable } from '../db/db';
import type { ApiClient } from './server';

export const TEST_PASSWORD = 'test-password';

/** Adds a user who can sign in with TEST_PASSWORD (and the organisation, if new). */
export async function addUser(
  db: Queryable,
  user: { id: string; email: string; role: Role; orgId?: string | null },
): Promise<void> {
  const orgId = user.orgId ?? null;
  if (orgId) await db.query('INSERT INTO organisations (id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING', [orgId]);
  await db.query(
    'INSERT INTO users (id, email, name, role, org_id, password_hash) VALUES ($1, $2, $1, $3, $4, $5)',
    [user.id, user.email, user.role, orgId, await hashPassword(TEST_PASSWORD)],
  );
}

export async function countRows(db: Queryable, table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params);
  return rows[0]!.n;
}

export interface Pulled<Doc> {
  documents: Doc[];
  checkpoint: Checkpoint | null;
}

/**
 * Pulls every page after `checkpoint`. On real PostgreSQL another test file's open transaction
 * (in another database of the same cluster) can hold rows back for a moment: ask again then.
 */
export async function pullAll<Doc = any>(
  client: ApiClient,
  collection: string,
  checkpoint: Checkpoint | null = null,
  batchSize = 1000,
): Promise<Pulled<Doc>> {
  const documents: Doc[] = [];
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await client.pull(collection, checkpoint, batchSize);
    if (res.status !== 200) throw new Error(`pull ${collection} failed: ${res.status} ${JSON.stringify(res.body)}`);
    documents.push(...res.body.documents);
    checkpoint = res.body.checkpoint;
    if (res.body.documents.length === batchSize) continue;
    if (!res.body.held) return { documents, checkpoint };
    if (Date.now() > deadline) throw new Error(`pull ${collection}: rows still held after 30 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Payload<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>[0];

/** Resolves with the first `event` whose payload `accept`s; fails after `ms` naming the event. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: TestSocket,
  event: E,
  accept: (payload: Payload<E>) => boolean = () => true,
  ms = 5000,
): Promise<Payload<E>> {
  return new Promise((resolve, reject) => {
    const listener = (payload: Payload<E>) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no matching ${event} within ${ms} ms`));
    }, ms);
    socket.on(event, listener as never);
  });
}
