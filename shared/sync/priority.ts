/**
 * The order in which a device sends what it holds (SPEC PRIO rules). Priority goes first:
 * P0 acceptances and conversions, P1 new invitations, P2 edits, P3 analytics (opens, views),
 * whatever their age. Dependencies go before priority: a write never reaches the server before
 * the write it depends on (an invitation before its acceptance), so a parent is sent with the
 * best priority of anything waiting on it. A parent that was refused holds its children back
 * with its reason; a parent that waits elsewhere holds them until it has gone.
 */
import type { ClientEventType } from '../events';

export const P0 = 0;
export const P1 = 1;
export const P2 = 2;
export const P3 = 3;
export type Priority = typeof P0 | typeof P1 | typeof P2 | typeof P3;

export function eventPriority(type: ClientEventType): Priority {
  switch (type) {
    case 'invitation.accepted':
      return P0;
    case 'invitation.declined':
      return P2;
    case 'invitation.opened':
      return P3;
  }
}

export function invitationPriority(isNew: boolean): Priority {
  return isNew ? P1 : P2;
}

export interface PendingWrite {
  /** Unique across collections, e.g. `invitations/<id>`. */
  key: string;
  priority: Priority;
  /** Tie-breaker within a priority: the order the writes were made (UUIDv7 ids sort by time). */
  seq: string;
  /** Key of the write this one depends on, if any. */
  parent?: string | undefined;
}

/** Where a parent stands when it is not among the pending writes being planned. */
export type ParentState = 'synced' | 'refused' | 'waiting';

export interface HeldWrite {
  write: PendingWrite;
  /** The root write that holds it back. */
  blockedBy: string;
  because: 'refused' | 'waiting';
}

export interface DrainPlan {
  order: PendingWrite[];
  held: HeldWrite[];
}

const compare = (a: { eff: number; seq: string }, b: { eff: number; seq: string }) =>
  a.eff - b.eff || (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0);

export function planDrain(writes: PendingWrite[], parentState: (key: string) => ParentState): DrainPlan {
  const byKey = new Map(writes.map((w) => [w.key, w]));
  const children = new Map<string, PendingWrite[]>();
  const held: HeldWrite[] = [];
  const heldKeys = new Set<string>();

  // Writes whose parent is outside the plan and not yet on the server are held, with their
  // whole subtree.
  const holdSubtree = (w: PendingWrite, blockedBy: string, because: HeldWrite['because']) => {
    if (heldKeys.has(w.key)) return;
    heldKeys.add(w.key);
    held.push({ write: w, blockedBy, because });
    for (const c of children.get(w.key) ?? []) holdSubtree(c, blockedBy, because);
  };
  for (const w of writes) {
    if (w.parent && byKey.has(w.parent)) children.set(w.parent, [...(children.get(w.parent) ?? []), w]);
  }
  for (const w of writes) {
    if (!w.parent || byKey.has(w.parent)) continue;
    const state = parentState(w.parent);
    if (state !== 'synced') holdSubtree(w, w.parent, state);
  }

  // Effective priority: the best of the write and everything that depends on it.
  const eff = new Map<string, number>();
  const effectiveOf = (w: PendingWrite, seen = new Set<string>()): number => {
    const known = eff.get(w.key);
    if (known !== undefined) return known;
    if (seen.has(w.key)) return w.priority; // a cycle cannot be ordered; break it here
    seen.add(w.key);
    const value = Math.min(w.priority, ...(children.get(w.key) ?? []).map((c) => effectiveOf(c, seen)));
    eff.set(w.key, value);
    return value;
  };

  const ready = writes
    .filter((w) => !heldKeys.has(w.key))
    .map((w) => ({ w, eff: effectiveOf(w), seq: w.seq }))
    .sort(compare);
  const order: PendingWrite[] = [];
  const emitted = new Set<string>();
  const waitingOn = new Map<string, PendingWrite[]>();
  const emit = (w: PendingWrite) => {
    emitted.add(w.key);
    order.push(w);
    const waiting = (waitingOn.get(w.key) ?? []).map((c) => ({ w: c, eff: effectiveOf(c), seq: c.seq })).sort(compare);
    waitingOn.delete(w.key);
    for (const c of waiting) emit(c.w);
  };
  for (const { w } of ready) {
    if (emitted.has(w.key)) continue;
    if (w.parent && byKey.has(w.parent) && !emitted.has(w.parent) && !heldKeys.has(w.parent)) {
      waitingOn.set(w.parent, [...(waitingOn.get(w.parent) ?? []), w]);
      continue;
    }
    emit(w);
  }
  // Anything still waiting sits on a dependency cycle: send it rather than hold it forever.
  for (const list of waitingOn.values()) for (const w of list) if (!emitted.has(w.key)) emit(w);
  return { order, held };
}
