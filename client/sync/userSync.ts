/**
 * Everything that runs for a signed-in user: the local database, the live socket, the
 * replications and the sync status. Started once per user at module level (never per render)
 * and stopped at sign-out.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { canInvite, type SessionUser } from '../../shared/roles';
import { closeDatabase, openDatabase, type PlusOneDb } from '../db/database';
import { startReplications, type Replications } from './replication';
import { connectLive, type LiveSocket } from './socket';
import { codesIn, httpTransport } from './transport';
import { SyncStatusStore, type SyncStatus } from './status';

export interface UserSync {
  user: SessionUser;
  db: PlusOneDb;
  socket: LiveSocket;
  replications: Replications;
  status: SyncStatusStore;
}

const running = new Map<string, Promise<UserSync>>();

export function startUserSync(user: SessionUser): Promise<UserSync> {
  let sync = running.get(user.id);
  if (!sync) {
    sync = (async () => {
      const db = await openDatabase(user.id);
      const socket = connectLive();
      const replications = startReplications({ db, userId: user.id, socket, transport: httpTransport(undefined, codesIn(db.invitations)), canPush: canInvite(user.role) });
      const status = new SyncStatusStore(db, socket, replications);
      handOverLeadershipWhenFrozen(db, socket, replications);
      return { user, db, socket, replications, status };
    })();
    running.set(user.id, sync);
  }
  return sync;
}

/**
 * A frozen leader tab keeps its lock, so no other tab would ever lead and replicate (RxDB
 * #8514). Before the browser freezes a tab, the tab gives up the lead; when it is resumed, it
 * reloads and joins the election as a new tab.
 */
function handOverLeadershipWhenFrozen(db: PlusOneDb, socket: LiveSocket, replications: Replications): void {
  if (typeof document === 'undefined') return;
  document.addEventListener('freeze', () => {
    // Stop this tab's replication first (it would not run while frozen anyway), then hand over.
    socket.disconnect();
    void replications.cancel().finally(() => db.leaderElector().die());
  });
  document.addEventListener('resume', () => window.location.reload());
}

export async function stopUserSync(userId: string): Promise<void> {
  const sync = running.get(userId);
  running.delete(userId);
  if (!sync) return;
  const s = await sync;
  s.status.stop();
  s.socket.close();
  await s.replications.cancel();
  await closeDatabase(userId);
}

/** The running sync of this user, once its database is open. */
export function useUserSync(user: SessionUser | null): UserSync | null {
  const [sync, setSync] = useState<UserSync | null>(null);
  useEffect(() => {
    let live = true;
    setSync(null);
    if (user) void startUserSync(user).then((s) => live && setSync(s));
    return () => {
      live = false;
    };
  }, [user?.id]);
  return sync;
}

const idle: SyncStatus = { connection: 'connecting', pending: 0, refused: 0, busy: true };
const noop = () => () => undefined;

export function useSyncStatus(sync: UserSync | null): SyncStatus {
  return useSyncExternalStore(sync ? sync.status.subscribe : noop, () => (sync ? sync.status.snapshot : idle));
}
