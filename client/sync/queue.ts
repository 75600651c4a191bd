/**
 * The prioritized replication queue: every write leaving this device goes through it, in the
 * order `planDrain` (shared/sync/priority.ts) gives — acceptances first, then new invitations,
 * edits, analytics; a parent before what depends on it. Invitation writes come from RxDB's
 * push handler (which waits here for its rows to be answered); events come from the local
 * `outbox`. One batch is in flight at a time. A refusal is recorded with its reason and the
 * write stays on the device; a network failure rejects what is waiting (RxDB retries it) and
 * the queue tries again with backoff. A refusal that says when the same write may go (a rate
 * limit's `retryAt`, SPEC LIM1) is a wait: at that time (by a timer, or on the first run after
 * it: a reconnect, a reload) the queue sends the write again by itself.
 */
import type { RxReplicationWriteToMasterRow } from 'rxdb';
import { v7 as uuidv7 } from 'uuid';
import { errorText } from '../../shared/errors';
import type { ClientEvent } from '../../shared/events';
import type { InvitationDoc, InvitationPushState } from '../../shared/invitation';
import { eventPriority, invitationPriority, planDrain, type ParentState, type PendingWrite } from '../../shared/sync/priority';
import type { PushResult } from '../../shared/sync/protocol';
import { ApiError } from '../api';
import type { PlusOneDb } from '../db/database';
import type { OutboxEvent, Refusal } from '../db/schemas';
import type { Transport } from './transport';
import { retryInvitation } from '../invitations/create';
import { toPushState } from './wire';

const BATCH = 500;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;
/** Longest a timer may be set for (setTimeout's limit); a longer wait just sets it again. */
const MAX_TIMER_MS = 2_147_483_647;
/** Shortest wait for an allowance, when the server's time has already passed on this device's clock. */
const WAIT_FLOOR_MS = 30_000;

/**
 * When a write refused until `retryAt` (the server's clock) goes again. A device whose clock runs
 * ahead sees that time already passed: it waits a little rather than asking again at once, and
 * again, until the server's clock gets there.
 */
export function waitUntil(retryAt: string, now: number): string {
  return Date.parse(retryAt) > now ? retryAt : new Date(now + WAIT_FLOOR_MS).toISOString();
}

interface Waiter {
  remaining: Set<string>;
  masters: InvitationDoc[];
  resolve(masters: InvitationDoc[]): void;
  reject(err: unknown): void;
}

interface QueuedInvitation {
  row: RxReplicationWriteToMasterRow<InvitationPushState>;
  waiter: Waiter;
}

const invKey = (id: string) => `invitations/${id}`;
const evKey = (id: string) => `outbox/${id}`;

export class SyncQueue {
  private readonly invitations = new Map<string, QueuedInvitation>();
  private running = false;
  private again = false;
  private retryDelay = RETRY_MIN_MS;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Wakes the queue when the first write waiting for an allowance may go. */
  private waitTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** Invitations went out in this run: pull their confirmed state once the run ends. */
  private pushedInvitations = false;
  /** Called after each batch with what was sent (for tests and the sync indicator). */
  onSent: (collection: 'invitations' | 'outbox', ids: string[]) => void = () => undefined;

  /**
   * @param leadership resolves when this tab leads its user's tabs: only the leader sends, so
   *   several open tabs never push the same outbox twice (SPEC LIVE3).
   */
  constructor(
    private readonly db: PlusOneDb,
    private readonly transport: Transport,
    private readonly afterInvitationsPushed: () => void,
    private readonly leadership: Promise<unknown> = Promise.resolve(),
  ) {}

  /** RxDB's push handler: resolves with the server's states of conflicting rows. */
  pushInvitations(rows: RxReplicationWriteToMasterRow<InvitationPushState>[]): Promise<InvitationDoc[]> {
    // A row whose write the server already holds (the same writeId as the master RxDB knows) is
    // only this device's bookkeeping (marked synced, codes kept): nothing to send (PUSH4).
    const toSend = rows.filter((r) => r.assumedMasterState?.writeId !== r.newDocumentState.writeId);
    if (toSend.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { remaining: new Set(toSend.map((r) => r.newDocumentState.id)), masters: [], resolve, reject };
      for (const row of toSend) this.invitations.set(row.newDocumentState.id, { row, waiter });
      this.kick();
    });
  }

  /** Something new to send (a local event, a reconnect): run soon. */
  kick(): void {
    if (this.stopped) return;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    setTimeout(() => void this.run(), 0);
  }

  /** True while a batch is planned or in flight. */
  get busy(): boolean {
    return this.running;
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.waitTimer) clearTimeout(this.waitTimer);
  }

  private async run(): Promise<void> {
    try {
      await this.leadership;
      for (;;) {
        this.again = false;
        const sent = await this.sendNextBatch();
        if (!sent && !this.again) break;
      }
      this.retryDelay = RETRY_MIN_MS;
      if (this.pushedInvitations) {
        this.pushedInvitations = false;
        this.afterInvitationsPushed();
      }
    } catch (err) {
      // The server cannot be reached (or failed): what waits is retried later, nothing is lost.
      for (const { waiter } of this.invitations.values()) waiter.reject(err);
      this.invitations.clear();
      this.retryTimer = setTimeout(() => this.kick(), this.retryDelay);
      this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
    } finally {
      this.running = false;
      if (this.again && !this.stopped) this.kick();
    }
  }

  /** Plans everything pending and sends the first batch; false when nothing can go. */
  private async sendNextBatch(): Promise<boolean> {
    const [events, refusals] = await Promise.all([this.db.outbox.find().exec(), this.db.refusals.find().exec()]);
    const waits = refusals.map((r) => r.toJSON() as Refusal).filter((r) => r.retryAt && !r.heldBy);
    const due = waits.filter((r) => Date.parse(r.retryAt!) <= Date.now());
    if (due.length > 0) {
      await this.release(due);
      return true;
    }
    this.wakeAt(waits);
    // Only the invitations events depend on matter here: look those up, not every pending one.
    const parentIds = [...new Set(events.map((e) => e.invitationId))];
    const parents = parentIds.length ? await this.db.invitations.findByIds(parentIds).exec() : new Map();
    const localInvitations = [...parents.values()].filter((d) => d.syncState === 'pending');
    const refusedWrite = new Map(refusals.map((r) => [r.id, r.writeId]));
    const refusedByServer = new Set(refusals.filter((r) => !r.heldBy).map((r) => r.id));
    const pendingInvitation = new Map(localInvitations.map((d) => [d.id, d]));

    const writes: PendingWrite[] = [];
    for (const { row } of this.invitations.values()) {
      const doc = row.newDocumentState;
      const isNew = !row.assumedMasterState || !row.assumedMasterState.rev;
      writes.push({ key: invKey(doc.id), priority: invitationPriority(isNew), seq: doc.writeId });
    }
    const outbox = new Map<string, OutboxEvent>();
    for (const e of events) {
      const event = e.toJSON() as OutboxEvent;
      if (refusedByServer.has(event.id)) continue; // refused by the server: waits for the user
      outbox.set(event.id, event);
      const parentLocal = pendingInvitation.get(event.invitationId);
      writes.push({
        key: evKey(event.id),
        priority: eventPriority(event.type),
        seq: event.id,
        parent: parentLocal ? invKey(event.invitationId) : undefined,
      });
    }

    const parentState = (key: string): ParentState => {
      const id = key.slice(key.indexOf('/') + 1);
      const doc = pendingInvitation.get(id);
      if (!doc) return 'synced';
      return refusedWrite.get(id) === doc.writeId ? 'refused' : 'waiting';
    };
    const plan = planDrain(writes, parentState);
    await this.recordHeld(plan.held, refusals.map((r) => r.toJSON() as Refusal));

    const first = plan.order[0];
    if (!first) return false;
    const collection = first.key.startsWith('invitations/') ? 'invitations' : 'outbox';
    const batch: string[] = [];
    for (const w of plan.order) {
      if (!w.key.startsWith(`${collection}/`) || batch.length >= BATCH) break;
      batch.push(w.key.slice(collection.length + 1));
    }
    if (collection === 'invitations') await this.sendInvitations(batch);
    else await this.sendEvents(batch.map((id) => outbox.get(id)!));
    this.onSent(collection, batch);
    return true;
  }

  private async sendInvitations(ids: string[]): Promise<void> {
    const queued = ids.map((id) => this.invitations.get(id)!);
    const rows = queued.map(({ row }) => ({
      newDocumentState: toPushState(row.newDocumentState),
      assumedMasterState: row.assumedMasterState ? toPushState(row.assumedMasterState) : null,
    }));
    const { results } = await refusedAsWhole(ids, () => this.transport.pushInvitations(rows));
    await this.recordResults('invitations', results, (id) => this.invitations.get(id)?.row.newDocumentState);
    for (const result of results) {
      const entry = this.invitations.get(result.id);
      if (!entry) continue;
      this.invitations.delete(result.id);
      if (result.outcome === 'conflict' && result.master) entry.waiter.masters.push(result.master);
      // A write the server already had (its first answer was lost): adopt the server's state
      // unless this device already holds it, or the document would stay pending forever.
      const sent = entry.row.newDocumentState;
      if (result.outcome === 'duplicate' && result.master && (result.master.rev !== sent.rev || sent.syncState !== 'synced')) {
        entry.waiter.masters.push(result.master);
      }
      entry.waiter.remaining.delete(result.id);
      if (entry.waiter.remaining.size === 0) entry.waiter.resolve(entry.waiter.masters);
    }
    this.pushedInvitations = true;
  }

  private async sendEvents(events: OutboxEvent[]): Promise<void> {
    const wire: ClientEvent[] = events.map(({ id, type, invitationId, capturedAt, deviceId }) => ({ id, type, invitationId, capturedAt, deviceId }));
    const { results } = await refusedAsWhole(wire.map((e) => e.id), () => this.transport.pushEvents(wire));
    await this.recordResults('outbox', results, () => undefined);
    const done = results.filter((r) => r.outcome !== 'refused').map((r) => r.id);
    if (done.length) await this.db.outbox.bulkRemove(done);
  }

  /** Writes whose allowance is back go again: an invitation as a new write of it, an event as it was. */
  private async release(due: Refusal[]): Promise<void> {
    for (const wait of due) {
      const doc = wait.target === 'invitations' ? await this.db.invitations.findOne(wait.id).exec() : null;
      // A newer write of the invitation (an edit, a cancel) supersedes the one that waited.
      if (doc && doc.writeId === wait.writeId) await retryInvitation(this.db, wait.id);
      else await this.db.refusals.findOne(wait.id).remove().catch(() => undefined);
    }
  }

  private wakeAt(waits: Refusal[]): void {
    if (this.waitTimer) clearTimeout(this.waitTimer);
    this.waitTimer = null;
    if (waits.length === 0 || this.stopped) return;
    const first = Math.min(...waits.map((w) => Date.parse(w.retryAt!)));
    this.waitTimer = setTimeout(() => {
      this.waitTimer = null;
      this.kick();
    }, Math.min(Math.max(0, first - Date.now()), MAX_TIMER_MS));
  }

  /** Refusals are kept beside the write; a write that went through clears its old refusal. */
  private async recordResults(target: Refusal['target'], results: PushResult[], writeOf: (id: string) => InvitationPushState | undefined): Promise<void> {
    const at = new Date().toISOString();
    const refused: Refusal[] = results
      .filter((r) => r.outcome === 'refused')
      .map((r) => {
        const write = writeOf(r.id);
        const refusal: Refusal = { id: r.id, target, writeId: write?.writeId ?? r.id, code: r.error?.code ?? 'INTERNAL', message: r.error?.message ?? errorText.INTERNAL, at };
        if (write) refusal.write = toPushState(write);
        if (r.error?.code === 'RATE_LIMITED' && r.error.retryAt) refusal.retryAt = waitUntil(r.error.retryAt, Date.parse(at));
        return refusal;
      });
    // A refusal ends when the user retries or discards it, not when some later write goes through.
    if (refused.length) await this.db.refusals.bulkUpsert(refused);
  }

  /** Events held back by a refused invitation show that invitation's reason; the hold lifts with it. */
  private async recordHeld(held: ReturnType<typeof planDrain>['held'], refusals: Refusal[]): Promise<void> {
    const byId = new Map(refusals.map((r) => [r.id, r]));
    const heldNow = new Map<string, Refusal>();
    for (const h of held) {
      if (h.because !== 'refused' || !h.write.key.startsWith('outbox/')) continue;
      const id = h.write.key.slice('outbox/'.length);
      const parent = byId.get(h.blockedBy.slice(h.blockedBy.indexOf('/') + 1));
      if (!parent) continue;
      const held: Refusal = { id, target: 'outbox', writeId: id, code: parent.code, message: `Waits for its invitation, which was refused: ${parent.message}`, at: parent.at, heldBy: parent.id };
      // Behind an invitation that waits for its allowance, the event waits too (no refusal to show).
      if (parent.retryAt) Object.assign(held, { message: `Waits for its invitation, which waits for its allowance: ${parent.message}`, retryAt: parent.retryAt });
      heldNow.set(id, held);
    }
    const stale = refusals.filter((r) => r.heldBy && !heldNow.has(r.id)).map((r) => r.id);
    const fresh = [...heldNow.values()].filter((r) => byId.get(r.id)?.message !== r.message || byId.get(r.id)?.retryAt !== r.retryAt);
    if (stale.length) await this.db.refusals.bulkRemove(stale);
    if (fresh.length) await this.db.refusals.bulkUpsert(fresh);
  }
}

/**
 * A request the server answers with a 4xx (other than "update the app" and "too many") refuses
 * every write in it, with the server's reason: they are kept as refusals, not retried forever.
 */
async function refusedAsWhole(ids: string[], send: () => Promise<{ results: PushResult[] }>): Promise<{ results: PushResult[] }> {
  try {
    return await send();
  } catch (err) {
    if (!(err instanceof ApiError) || err.status < 400 || err.status >= 500 || err.status === 426 || err.status === 429) throw err;
    return { results: ids.map((id) => ({ id, outcome: 'refused' as const, error: { code: err.code, message: err.message } })) };
  }
}

/** A new outbox event for something the user did on this device. */
export function newOutboxEvent(type: OutboxEvent['type'], invitationId: string, deviceId: string): OutboxEvent {
  return { id: uuidv7(), type, invitationId, capturedAt: new Date().toISOString(), deviceId };
}
