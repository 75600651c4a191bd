/**
 * The sync indicator's state, one store per signed-in user. `Sync complete` is shown only when
 * the device is online, no write waits to be pushed or confirmed, none was refused, none waits
 * for a rate limit's next allowance, and no replication is busy; otherwise the header says how
 * many are pending, refused or waiting. A refusal with `retryAt` (SPEC LIM1) is a wait, not a
 * refusal: the queue sends it again by itself.
 */
import { combineLatest, type Subscription } from 'rxjs';
import type { PlusOneDb } from '../db/database';
import type { Refusal } from '../db/schemas';
import type { Replications } from './replication';
import type { LiveSocket } from './socket';

export type Connection = 'connecting' | 'online' | 'offline';

/** Invitations held back by a rate limit: how many, and the first of them to go again. */
export interface Waiting {
  count: number;
  /** When that one was refused, and when its allowance frees (ISO times). */
  refusedAt: string;
  retryAt: string;
}

export interface SyncStatus {
  connection: Connection;
  pending: number;
  refused: number;
  busy: boolean;
  /** Absent or null: nothing waits for an allowance. */
  waiting?: Waiting | null;
}

export type SyncPhase = 'offline' | 'queued' | 'refused' | 'waiting' | 'syncing' | 'complete';

export function phaseOf(s: SyncStatus): SyncPhase {
  if (s.connection === 'offline') return s.pending > 0 ? 'queued' : 'offline';
  if (s.pending > 0) return 'queued';
  if (s.refused > 0) return 'refused';
  if (s.waiting) return 'waiting';
  if (s.busy || s.connection === 'connecting') return 'syncing';
  return 'complete';
}

/** Writes still waiting for the server: pending invitation writes and outbox events, less those refused. */
export function unrefusedPending(
  pendingDocs: readonly { id: string; writeId: string }[],
  outbox: readonly { id: string }[],
  refusals: readonly { id: string; writeId: string }[],
): number {
  const refusedWrites = new Set(refusals.map((r) => `${r.id}/${r.writeId}`));
  const writes = [...pendingDocs.map((d) => `${d.id}/${d.writeId}`), ...outbox.map((e) => `${e.id}/${e.id}`)];
  return writes.filter((w) => !refusedWrites.has(w)).length;
}

/** The invitation writes waiting for an allowance (events held behind them are not counted). */
export function waitingOf(refusals: readonly { target: string; at: string; retryAt?: string; heldBy?: string }[]): Waiting | null {
  const waits = refusals.filter((r) => r.retryAt && r.target === 'invitations' && !r.heldBy);
  if (waits.length === 0) return null;
  const next = waits.reduce((a, b) => (Date.parse(a.retryAt!) <= Date.parse(b.retryAt!) ? a : b));
  return { count: waits.length, refusedAt: next.at, retryAt: next.retryAt! };
}

export class SyncStatusStore {
  private state: SyncStatus = { connection: 'connecting', pending: 0, refused: 0, busy: false, waiting: null };
  private readonly listeners = new Set<() => void>();
  private readonly subs: Subscription[] = [];
  private readonly cleanups: (() => void)[] = [];

  constructor(db: PlusOneDb, socket: LiveSocket, replications: Replications) {
    const pending$ = db.invitations.find({ selector: { syncState: 'pending' } }).$;
    const outbox$ = db.outbox.find().$;
    const refusals$ = db.refusals.find().$;
    this.subs.push(
      combineLatest([pending$, outbox$, refusals$]).subscribe(([pendingDocs, outbox, refusals]) => {
        const all = refusals.map((r) => r.toJSON() as Refusal);
        this.patch({ pending: unrefusedPending(pendingDocs, outbox, all), refused: all.filter((r) => !r.retryAt).length, waiting: waitingOf(all) });
      }),
      combineLatest([replications.invitations.active$, replications.metrics.active$, replications.viralEvents.active$]).subscribe(
        (active) => this.patch({ busy: active.some(Boolean) }),
      ),
    );
    const update = () => {
      const online = navigator.onLine && socket.connected;
      this.patch({ connection: online ? 'online' : !navigator.onLine || this.state.connection !== 'connecting' ? 'offline' : 'connecting' });
    };
    const onError = () => this.patch({ connection: 'offline' });
    socket.on('connect', update);
    socket.on('disconnect', update);
    socket.on('connect_error', onError);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    this.cleanups.push(() => {
      socket.off('connect', update);
      socket.off('disconnect', update);
      socket.off('connect_error', onError);
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    });
    update();
  }

  get snapshot(): SyncStatus {
    return this.state;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private patch(p: Partial<SyncStatus>) {
    const next = { ...this.state, ...p };
    // `waiting` is a fresh object on every change of the refusals: compare it by value.
    const same = (a: unknown, b: unknown) => a === b || (typeof a === 'object' && JSON.stringify(a) === JSON.stringify(b));
    if (Object.entries(p).every(([k, v]) => same(this.state[k as keyof SyncStatus], v))) return;
    this.state = next;
    this.listeners.forEach((l) => l());
  }

  stop(): void {
    this.subs.forEach((s) => s.unsubscribe());
    this.cleanups.forEach((c) => c());
  }
}
