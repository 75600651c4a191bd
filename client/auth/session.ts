/**
 * Who is signed in. The user is cached in localStorage so the app opens offline with the last
 * account; the server stays the judge (an expired session sends the user back to /login as
 * soon as the server answers).
 */
import { useSyncExternalStore } from 'react';
import { SessionUser } from '../../shared/roles';
import { ApiError, api } from '../api';

const KEY = 'plusone:user';

function readCached(): SessionUser | null {
  try {
    const parsed = SessionUser.safeParse(JSON.parse(localStorage.getItem(KEY) ?? 'null'));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

let current: SessionUser | null = readCached();
const listeners = new Set<() => void>();

function set(user: SessionUser | null) {
  current = user;
  if (user) localStorage.setItem(KEY, JSON.stringify(user));
  else localStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

export function useSession(): SessionUser | null {
  return useSyncExternalStore(
    (l) => (listeners.add(l), () => listeners.delete(l)),
    () => current,
  );
}

export async function signIn(email: string, password: string): Promise<SessionUser> {
  const { user } = await api<{ user: SessionUser }>('POST', '/api/auth/login', { email, password });
  set(user);
  return user;
}

export async function signOut(): Promise<void> {
  await api('POST', '/api/auth/logout').catch(() => undefined);
  set(null);
}

/** Confirms the cached session with the server; offline, the cache stands. */
export async function refreshSession(): Promise<void> {
  try {
    const { user } = await api<{ user: SessionUser }>('GET', '/api/auth/me');
    set(user);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) set(null);
  }
}

/** A stable id for this browser, recorded on each invitation captured here. */
export function deviceId(): string {
  let id = localStorage.getItem('plusone:device');
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem('plusone:device', id);
  }
  return id;
}
