/**
 * The queue's waits (SPEC LIM1), with the real replication and queue on RxDB's memory storage
 * and a stand-in server that has an allowance: a write refused with RATE_LIMITED and `retryAt`
 * is kept as a wait, not a refusal, and goes again by itself at that time (by the queue's timer,
 * or on the first run after it, as after a reload); other refusals stay for the user.
 */
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors';
import type { InvitationDoc, InvitationPushState } from '../../shared/invitation';
import type { SessionUser } from '../../shared/roles';
import type { PushResult } from '../../shared/sync/protocol';
import { closeDatabase, openDatabase, type PlusOneDb } from '../db/database';
import type { Refusal } from '../db/schemas';
import { createInvitation } from '../invitations/create';
import { waitUntil } from './queue';
import { startReplications, type Replications } from './replication';
import { phaseOf, unrefusedPending, waitingOf } from './status';
import type { Transport } from './transport';

const memory = new Map<string, string>();
(globalThis as { localStorage?: unknown }).localStorage ??= {
  getItem: (k: string) => memory.get(k) ?? null,
  setItem: (k: string, v: string) => void memory.set(k, String(v)),
  removeItem: (k: string) => void memory.delete(k),
};

/** A server with `allowance` invitations per window of `windowMs`, refusing the rest until the window ends. */
function limitedServer(allowance: number, windowMs: number, refuseAs: 'wait' | 'invalid' = 'wait') {
  const held = new Map<string, InvitationDoc>();
  const pushes: { id: string; at: number; outcome: PushResult['outcome'] }[] = [];
  let windowEnds = 0;
  let used = 0;
  let rev = 0;
  const transport: Transport = {
    async pull(_c, _cp, _n) {
      return { documents: [...held.values()] as never[], checkpoint: { txid: 1, rev }, held: false };
    },
    async pushInvitations(rows) {
      const now = Date.now();
      if (now >= windowEnds) [windowEnds, used] = [now + windowMs, 0];
      const results: PushResult[] = rows.map(({ newDocumentState: d }: { newDocumentState: InvitationPushState }) => {
        if (held.has(d.id)) return { id: d.id, outcome: 'duplicate' as const, master: held.get(d.id)! };
        if (used >= allowance) {
          pushes.push({ id: d.id, at: now, outcome: 'refused' });
          return refuseAs === 'wait'
            ? { id: d.id, outcome: 'refused' as const, error: { code: ErrorCode.RATE_LIMITED, message: 'over the allowance', retryAt: new Date(windowEnds).toISOString() } }
            : { id: d.id, outcome: 'refused' as const, error: { code: ErrorCode.INVALID_INPUT, message: 'not valid' } };
        }
        used++;
        const iso = new Date(now).toISOString();
        held.set(d.id, { ...d, rev: ++rev, createdAt: iso, updatedAt: iso, countedAt: iso, timeSource: 'device', syncState: 'synced', _deleted: false } as InvitationDoc);
        pushes.push({ id: d.id, at: now, outcome: 'applied' });
        return { id: d.id, outcome: 'applied' as const };
      });
      return { results };
    },
    async pushEvents(events) {
      return { results: events.map((e) => ({ id: e.id, outcome: 'applied' as const })) };
    },
  };
  return { transport, held, pushes };
}

const socket = { connected: true, on: () => undefined, off: () => undefined } as never;
const user: SessionUser = { id: 'u-queue-test', email: 'queue@example.com', name: 'Q', role: 'supplier', orgId: null, orgName: null };
let opened: { db: PlusOneDb; replications: Replications; key: string }[] = [];
let count = 0;

async function device(transport: Transport, key = `queue-${process.pid}-${++count}`) {
  const db = await openDatabase(key, { storage: getRxStorageMemory(), name: key, multiInstance: false });
  const replications = startReplications({ db, userId: key, socket, transport, waitForLeadership: false, retryTime: 50 });
  opened.push({ db, replications, key });
  return { db, replications, key };
}

/** Waits for a state, not for a time (fails after 10 s naming what it waited for). */
async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const refusalsOf = async (db: PlusOneDb) => (await db.refusals.find().exec()).map((r) => r.toJSON() as Refusal);

afterEach(async () => {
  for (const { replications, key } of opened) {
    await replications.cancel();
    await closeDatabase(key);
  }
  opened = [];
});

describe('the queue waits for an allowance (LIM1)', () => {
  it('a write refused with retryAt waits (not refused, not pending) and goes by itself when the allowance frees', async () => {
    const server = limitedServer(2, 600);
    const { db } = await device(server.transport);
    for (const email of ['a@guests.example', 'b@guests.example', 'c@guests.example']) expect((await createInvitation(db, user, { recipientEmail: email, relationship: 'past_client' })).ok).toBe(true);

    await until('one write waits', async () => (await refusalsOf(db)).some((r) => r.retryAt));
    const [wait] = await refusalsOf(db);
    expect(wait).toMatchObject({ code: ErrorCode.RATE_LIMITED, target: 'invitations' });
    const refusals = await refusalsOf(db);
    const waiting = waitingOf(refusals);
    expect(waiting).toEqual({ count: 1, refusedAt: wait!.at, retryAt: wait!.retryAt });
    const pendingDocs = (await db.invitations.find({ selector: { syncState: 'pending' } }).exec()).map((d) => d.toJSON());
    expect(unrefusedPending(pendingDocs, [], refusals)).toBe(0);
    expect(phaseOf({ connection: 'online', pending: 0, refused: 0, busy: false, waiting })).toBe('waiting');

    await until('all three on the server', () => server.held.size === 3);
    await until('no wait left', async () => (await refusalsOf(db)).length === 0);
    const again = server.pushes.filter((p) => p.id === wait!.id);
    expect(again.map((p) => p.outcome)).toEqual(['refused', 'applied']);
    expect(again[1]!.at).toBeGreaterThanOrEqual(Date.parse(wait!.retryAt!));
    expect(phaseOf({ connection: 'online', pending: 0, refused: 0, busy: false, waiting: waitingOf([]) })).toBe('complete');
  });

  it('a wait whose time has passed goes on the first run, as after a reload', async () => {
    const server = limitedServer(5, 60_000);
    const key = `queue-reload-${process.pid}`;
    const first = await openDatabase(key, { storage: getRxStorageMemory(), name: key, multiInstance: false });
    const made = await createInvitation(first, user, { recipientEmail: 'late@guests.example', relationship: 'past_client' });
    if (!made.ok) throw new Error(made.error);
    const past = new Date(Date.now() - 1000).toISOString();
    await first.refusals.insert({ id: made.invitation.id, target: 'invitations', writeId: made.invitation.writeId, code: ErrorCode.RATE_LIMITED, message: 'over the allowance', at: past, retryAt: past });
    const { db } = await device(server.transport, key);
    await until('the waiting write reached the server', () => server.held.has(made.invitation.id));
    await until('its wait is gone', async () => (await refusalsOf(db)).length === 0);
  });

  it('a retryAt already passed on this device\'s clock (a clock running ahead) waits 30 s, not a loop of pushes', () => {
    const now = Date.parse('2026-05-04T13:00:00Z');
    expect(waitUntil('2026-05-04T14:00:00.000Z', now)).toBe('2026-05-04T14:00:00.000Z');
    expect(waitUntil('2026-05-04T12:59:00.000Z', now)).toBe('2026-05-04T13:00:30.000Z');
    expect(waitUntil('2026-05-04T13:00:00.000Z', now)).toBe('2026-05-04T13:00:30.000Z');
  });

  it('other refusals stay for the user, as before (no retryAt, counted as refused)', async () => {
    const server = limitedServer(0, 600, 'invalid');
    const { db } = await device(server.transport);
    await createInvitation(db, user, { recipientEmail: 'x@guests.example', relationship: 'past_client' });
    await until('the write is refused', async () => (await refusalsOf(db)).length === 1);
    const refusals = await refusalsOf(db);
    expect(refusals[0]!.retryAt).toBeUndefined();
    expect(waitingOf(refusals)).toBeNull();
    expect(phaseOf({ connection: 'online', pending: 0, refused: 1, busy: false, waiting: null })).toBe('refused');
  });
});

describe('the queue sends only writes the server does not hold (PUSH4)', () => {
  it('a row whose write the server already holds (same writeId as the master) is answered at once, unsent', async () => {
    const server = limitedServer(10, 60_000);
    const sentIds: string[] = [];
    const counting: Transport = {
      ...server.transport,
      pushInvitations: (rows) => (sentIds.push(...rows.map((r: { newDocumentState: { id: string } }) => r.newDocumentState.id)), server.transport.pushInvitations(rows)),
    };
    const { db, replications } = await device(counting);
    const made = await createInvitation(db, user, { recipientEmail: 'once@guests.example', relationship: 'past_client' });
    if (!made.ok) throw new Error(made.error);
    await until('the invitation reached the server', () => server.held.has(made.invitation.id));
    await until('the queue is idle', () => !replications.queue.busy);
    const sent = sentIds.length;
    const master = { ...server.held.get(made.invitation.id)! };
    // What RxDB asks after this device marked the write synced: the same write as the master.
    const row = { newDocumentState: { ...master }, assumedMasterState: { ...master } } as never;
    await expect(replications.queue.pushInvitations([row])).resolves.toEqual([]);
    expect(sentIds.length).toBe(sent);
    // A new write of it (a new writeId) still goes.
    const edited = { newDocumentState: { ...master, message: 'see you there', writeId: 'w-new' }, assumedMasterState: { ...master } } as never;
    await replications.queue.pushInvitations([edited]);
    expect(sentIds.slice(sent)).toEqual([made.invitation.id]);
  });
});
