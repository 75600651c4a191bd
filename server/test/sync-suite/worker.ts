/**
 * One simulated device of the randomized sync suite, in its own worker thread (RxDB's free
 * tier counts open collections per JS context). It runs the real client code — RxDB (memory
 * storage), the replication, the SyncQueue, the socket — against the real server, through a
 * transport that can be offline and can lose, duplicate and delay responses.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createRng } from '../../../shared/random';
import { canInvite, type SessionUser } from '../../../shared/roles';
import type { ClientOp, FromWorker, Snapshot, ToWorker, WorkerInit } from './protocol';

const init = workerData as WorkerInit;
const rng = createRng(init.seed);

// The browser globals the client code reads, and this device's own (skewed) clock.
const storage = new Map<string, string>();
(globalThis as { localStorage?: unknown }).localStorage = {
  getItem: (k: string) => storage.get(k) ?? null,
  setItem: (k: string, v: string) => void storage.set(k, String(v)),
  removeItem: (k: string) => void storage.delete(k),
};
const RealDate = Date;
class SkewedDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(RealDate.now() + init.clockSkewMs);
    else super(...(args as [string]));
  }
  static override now() {
    return RealDate.now() + init.clockSkewMs;
  }
}
globalThis.Date = SkewedDate as DateConstructor;

const { getRxStorageMemory } = await import('rxdb/plugins/storage-memory');
const { io } = await import('socket.io-client');
const { openDatabase } = await import('../../../client/db/database');
const { startReplications } = await import('../../../client/sync/replication');
const { httpTransport } = await import('../../../client/sync/transport');
const { NetworkError } = await import('../../../client/api');
const { createInvitation, editInvitation, cancelInvitation } = await import('../../../client/invitations/create');
const { newOutboxEvent } = await import('../../../client/sync/queue');
const { unrefusedPending } = await import('../../../client/sync/status');
type Transport = import('../../../client/sync/transport').Transport;

const login = await fetch(`${init.baseUrl}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-plusone-csrf': '1' },
  body: JSON.stringify({ email: init.email, password: init.password }),
});
if (!login.ok) throw new Error(`sign-in failed for ${init.email}: ${login.status}`);
const user = ((await login.json()) as { user: SessionUser }).user;
const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

const net = { online: true, chaos: false };
const delivered = new Map<string, Snapshot['deliveredEvents'][number]>();
/** Per document, the newest rev a pull answer carried (to tell a skip by the server from a drop here). */
const servedMax = new Map<string, number>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Offline refuses at once; chaos loses (after the server acted), duplicates and delays answers. */
function unreliable(inner: Transport): Transport {
  const call = async <T>(send: () => Promise<T>): Promise<T> => {
    if (!net.online) throw new NetworkError('offline');
    if (net.chaos) await sleep(rng.int(0, 15));
    if (net.chaos && rng.chance(0.05)) await send().catch(() => undefined); // the same request twice
    const result = await send();
    if (!net.online) throw new NetworkError('went offline before the answer');
    if (net.chaos && rng.chance(0.06)) throw new NetworkError('answer lost');
    if (net.chaos) await sleep(rng.int(0, 15));
    return result;
  };
  return {
    pull: async <Doc>(c: Parameters<Transport['pull']>[0], cp: Parameters<Transport['pull']>[1], n: number) => {
      const page = await call(() => inner.pull<Doc>(c, cp, n));
      if (c === 'invitations') for (const d of page.documents as { id: string; rev: number }[]) servedMax.set(d.id, Math.max(servedMax.get(d.id) ?? 0, d.rev));
      return page;
    },
    pushInvitations: (rows) => call(() => inner.pushInvitations(rows)),
    async pushEvents(events) {
      const answer = await call(() => inner.pushEvents(events));
      const byId = new Map(events.map((e) => [e.id, e]));
      for (const r of answer.results) {
        const e = byId.get(r.id);
        if (!e || (r.outcome !== 'applied' && r.outcome !== 'duplicate')) continue;
        if (delivered.get(r.id)?.outcome !== 'applied') delivered.set(r.id, { id: r.id, outcome: r.outcome, invitationId: e.invitationId, type: e.type });
      }
      return answer;
    },
  };
}

const db = await openDatabase(user.id, { storage: getRxStorageMemory(), name: `suite${init.name.replace(/\W/g, '')}${init.seed}`, multiInstance: false });
const socket = io(init.baseUrl, { transports: ['websocket'], extraHeaders: { cookie }, reconnectionDelay: 50, reconnectionDelayMax: 400 });
const transport = unreliable(httpTransport({ base: init.baseUrl, headers: () => ({ cookie }) }));
// Under chaos some live events are lost too (a flaky link drops them before the socket notices),
// so devices depend on pulls to catch up, and a pull that skips a row shows.
const lossySocket = new Proxy(socket, {
  get(target, prop, receiver) {
    if (prop !== 'on') return Reflect.get(target, prop, receiver);
    return (event: string, handler: (...args: unknown[]) => void) =>
      target.on(event as never, ((...args: unknown[]) => {
        if (net.chaos && event.includes(':') && rng.chance(init.liveEventLoss)) return;
        handler(...args);
      }) as never);
  },
});
const replications = startReplications({ db, userId: user.id, socket: lossySocket as never, transport, waitForLeadership: false, retryTime: 150, canPush: canInvite(user.role) });

if (process.env.SUITE_DEBUG) {
  for (const [name, r] of Object.entries({ inv: replications.invitations, ev: replications.viralEvents, met: replications.metrics })) {
    r.error$.subscribe((e) => {
      const p = (e as { parameters?: { errors?: unknown[] } }).parameters;
      console.error(`${init.name} ${name} error:`, (p?.errors ?? []).map((x) => String(x instanceof Error ? `${x.name}: ${x.message}` : JSON.stringify(x)).slice(0, 300)));
    });
  }
}

async function pendingCount(): Promise<number> {
  const [inv, outbox, refusals] = await Promise.all([
    db.invitations.find({ selector: { syncState: 'pending' } }).exec(),
    db.outbox.find().exec(),
    db.refusals.find().exec(),
  ]);
  return unrefusedPending(inv, outbox, refusals);
}

async function snapshot(): Promise<Snapshot> {
  const [inv, outbox, refusals] = await Promise.all([db.invitations.find().exec(), db.outbox.find().exec(), db.refusals.find().exec()]);
  return {
    userId: user.id,
    invitations: inv.map((d) => ({ id: d.id, status: d.status, rev: d.rev, writeId: d.writeId, message: d.message, recipientName: d.recipientName, syncState: d.syncState, servedRev: servedMax.get(d.id) ?? 0 })),
    outbox: outbox.map((e) => e.id),
    refusals: refusals.map((r) => ({ id: r.id, writeId: r.writeId, code: r.code, message: r.message, hasWrite: !!r.write && r.write.writeId === r.writeId })),
    deliveredEvents: [...delivered.values()],
    pending: await pendingCount(),
  };
}

async function mine() {
  return (await db.invitations.find({ selector: { inviterId: user.id } }).exec()).filter((d) => !['accepted', 'declined', 'cancelled'].includes(d.status));
}
async function forMe() {
  return db.invitations.find({ selector: { recipientEmail: user.email.toLowerCase() } }).exec();
}

async function apply(op: ClientOp): Promise<string> {
  switch (op.op) {
    case 'create': {
      if (user.role === 'coordinator' || user.role === 'owner') return 'skip';
      const r = await createInvitation(db, user, { recipientEmail: op.recipientEmail, relationship: 'past_client' });
      return r.ok ? 'created' : r.error;
    }
    case 'edit': {
      const list = await mine();
      if (!list.length) return 'skip';
      await editInvitation(db, rng.pick(list).id, { message: `note ${rng.int(0, 1e6)}`, recipientName: `Guest ${rng.int(0, 99)}` });
      return 'edited';
    }
    case 'cancel': {
      const list = await mine();
      if (!list.length) return 'skip';
      await cancelInvitation(db, rng.pick(list).id);
      return 'cancelled';
    }
    case 'accept':
    case 'open': {
      const queued = new Set((await db.outbox.find().exec()).map((e) => e.invitationId));
      const list = (await forMe()).filter((d) => !queued.has(d.id) && (op.op === 'open' || !['accepted', 'declined', 'cancelled'].includes(d.status)));
      if (!list.length) return 'skip';
      await db.outbox.insert(newOutboxEvent(op.op === 'accept' ? 'invitation.accepted' : 'invitation.opened', rng.pick(list).id, `suite-${init.name}`));
      return op.op;
    }
    case 'offline':
      net.online = false;
      socket.disconnect();
      return 'offline';
    case 'online':
      net.online = true;
      socket.connect();
      replications.queue.kick();
      return 'online';
    case 'chaos':
      net.chaos = op.on;
      return 'chaos';
  }
}

/** Online, no chaos, and every queue empty with the replications caught up. */
async function settle(): Promise<void> {
  net.online = true;
  net.chaos = false;
  if (!socket.connected) socket.connect();
  for (let attempt = 0; attempt < 200; attempt++) {
    await replications.resync();
    await Promise.all([replications.invitations.awaitInSync(), replications.viralEvents.awaitInSync(), replications.metrics.awaitInSync()]);
    if ((await pendingCount()) === 0 && !replications.queue.busy) return;
    if (process.env.SUITE_DEBUG && attempt % 20 === 19) {
      const pend = await db.invitations.find({ selector: { syncState: 'pending' } }).exec();
      console.error(`${init.name} attempt ${attempt}: pending ${await pendingCount()} busy ${replications.queue.busy}`, pend.slice(0, 3).map((d) => [d.id, d.rev, d.writeId, d.status]));
    }
    await sleep(50);
  }
  throw new Error(`${init.name} did not settle: ${await pendingCount()} writes still pending`);
}

const port = parentPort!;
const reply = (m: FromWorker) => port.postMessage(m);
// One message at a time, in the order sent, like a person using one device.
let chain: Promise<void> = Promise.resolve();
port.on('message', (m: ToWorker) => {
  chain = chain.then(() => handle(m));
});

async function handle(m: ToWorker): Promise<void> {
  try {
    if (m.kind === 'op') reply({ kind: 'done', seq: m.seq, note: await apply(m.op) });
    else if (m.kind === 'settle') {
      await settle();
      reply({ kind: 'done', seq: m.seq });
    } else if (m.kind === 'snapshot') {
      await replications.resync();
      await Promise.all([replications.invitations.awaitInSync(), replications.viralEvents.awaitInSync()]);
      reply({ kind: 'done', seq: m.seq, snapshot: await snapshot() });
    } else {
      await replications.cancel();
      socket.close();
      await db.close();
      reply({ kind: 'done', seq: m.seq });
    }
  } catch (err) {
    reply({ kind: 'error', seq: m.seq, message: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) });
  }
}
reply({ kind: 'ready', userId: user.id });
