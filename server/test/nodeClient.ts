/**
 * The real client sync code in this Node process: RxDB on its memory storage, the replication,
 * the SyncQueue and a Socket.IO client, signed in to a real server. For integration tests and
 * the sync benchmark (the randomized suite runs the same code in worker threads).
 * `online` gates every request, as a device's network would.
 */
import { canInvite, type SessionUser } from '../../shared/roles';
import type { Transport } from '../../client/sync/transport';

const memory = new Map<string, string>();
(globalThis as { localStorage?: unknown }).localStorage ??= {
  getItem: (k: string) => memory.get(k) ?? null,
  setItem: (k: string, v: string) => void memory.set(k, String(v)),
  removeItem: (k: string) => void memory.delete(k),
};

let count = 0;

export async function openNodeClient(base: string, email: string, password: string, onRequest?: (kind: string) => void) {
  const { getRxStorageMemory } = await import('rxdb/plugins/storage-memory');
  const { io } = await import('socket.io-client');
  const { openDatabase, closeDatabase } = await import('../../client/db/database');
  const { startReplications } = await import('../../client/sync/replication');
  const { httpTransport } = await import('../../client/sync/transport');
  const { NetworkError } = await import('../../client/api');
  const { createInvitation } = await import('../../client/invitations/create');

  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-plusone-csrf': '1' },
    body: JSON.stringify({ email, password }),
  });
  if (!login.ok) throw new Error(`sign-in as ${email} failed: ${login.status}`);
  const user = ((await login.json()) as { user: SessionUser }).user;
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

  const net = { online: true };
  const http = httpTransport({ base, headers: () => ({ cookie }) });
  const gate = (kind: string) => {
    onRequest?.(net.online ? kind : `${kind}:offline`);
    if (!net.online) throw new NetworkError('offline');
  };
  const transport: Transport = {
    pull: async (c, cp, n) => (gate(`pull:${c}`), http.pull(c, cp, n)),
    pushInvitations: async (rows) => (gate('push:invitations'), http.pushInvitations(rows)),
    pushEvents: async (events) => (gate('push:viral_events'), http.pushEvents(events)),
  };
  const key = `${user.id}-node${++count}`;
  const db = await openDatabase(key, { storage: getRxStorageMemory(), name: `node${process.pid}x${count}`, multiInstance: false });
  const socket = io(base, { transports: ['websocket'], extraHeaders: { cookie }, reconnectionDelay: 50, reconnectionDelayMax: 200 });
  const replications = startReplications({ db, userId: key, socket: socket as never, transport, waitForLeadership: false, retryTime: 100, canPush: canInvite(user.role) });

  return {
    user,
    db,
    socket,
    replications,
    offline() {
      net.online = false;
      socket.disconnect();
    },
    online() {
      net.online = true;
      socket.connect();
    },
    /** Invites someone the way the app's form does. */
    invite: (recipientEmail: string) => createInvitation(db, user, { recipientEmail, relationship: 'past_client' }),
    /** Writes not yet confirmed by the server (pending invitations and outbox events). */
    async pending(): Promise<number> {
      return (await db.invitations.count({ selector: { syncState: 'pending' } }).exec()) + (await db.outbox.count().exec());
    },
    async close() {
      await replications.cancel();
      socket.close();
      await closeDatabase(key);
    },
  };
}

export type NodeClient = Awaited<ReturnType<typeof openNodeClient>>;
