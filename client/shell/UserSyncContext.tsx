/**
 * The signed-in user's running sync (database, socket, replications) for any screen below the
 * shell, so a screen reads its cached snapshots without having `sync` handed down to it.
 */
import { createContext, useContext, type ReactNode } from 'react';
import type { UserSync } from '../sync/userSync';

const UserSyncContext = createContext<UserSync | null>(null);

export function UserSyncProvider({ sync, children }: { sync: UserSync; children: ReactNode }) {
  return <UserSyncContext.Provider value={sync}>{children}</UserSyncContext.Provider>;
}

/** The running sync; throws outside the signed-in shell (a programming error, not a state). */
export function useCurrentSync(): UserSync {
  const sync = useContext(UserSyncContext);
  if (!sync) throw new Error('useCurrentSync() outside <UserSyncProvider>');
  return sync;
}
