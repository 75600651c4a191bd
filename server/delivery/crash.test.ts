/**
 * OUT4 with a real crash (server/delivery/README.md): a delivery worker in a process of its own
 * (workerProcess.ts) is SIGKILLed in the middle of a batch, while the SMTP server (a real
 * `smtp-server`, in a process of its own: it outlives the worker) has answered part of the batch
 * and holds the rest unanswered. Another worker drains the outbox once the dead worker's lease
 * runs out. Nothing is lost, every recipient keeps exactly one message (the peer keeps one copy
 * per Message-ID, our idempotency key, and counts the copies it dropped), and each invitation
 * records one `invitation.sent`.
 * Needs PostgreSQL (DATABASE_URL): two processes share the database.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { pushInvitations } from '../sync/invitations';
import { freshDb, hasPostgres, type TestDb } from '../test/databases';
import { addUser } from '../test/fixtures';
import { startSmtpPeerProcess, type SmtpPeerProcess } from '../test/providers/smtpProcess';
import { newInvitation } from '../test/server';
import { messageIdFor } from './channels/email';

const ROWS = 20;
const BATCH = 8;
/** The first batch is answered, then four of the second; the second batch's other four hang. */
const ANSWERED = 12;
const LEASE_MS = 1500;

let testDb: TestDb | undefined;
let smtp: SmtpPeerProcess | undefined;
const workers: ChildProcess[] = [];

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  await smtp?.close();
  await testDb?.drop();
});

/** Starts a worker process on the test database; resolves once its pool runs. */
async function startWorker(): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL('./workerProcess.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, WORKER_DATABASE_URL: testDb!.url!, WORKER_SMTP_URL: smtp!.url, WORKER_LEASE_MS: String(LEASE_MS), WORKER_BATCH: String(BATCH) },
  });
  workers.push(child);
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`worker process exited before it was ready (${code})`)));
  });
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
    else child.once('exit', (code, signal) => resolve(signal ?? code));
  });

const states = async () =>
  Object.fromEntries(
    (await testDb!.db.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM deliveries GROUP BY state ORDER BY state')).map((r) => [r.state, r.n]),
  );

describe.skipIf(!hasPostgres)('OUT4: a worker process killed mid-batch', () => {
  it('OUT4: SIGKILL mid-batch loses nothing; after the lease another worker sends the rest, and each recipient keeps one message', async () => {
    testDb = await freshDb();
    smtp = await startSmtpPeerProcess();
    const db = testDb.db;
    await addUser(db, { id: 'u-crash', email: 'crash@example.com', role: 'supplier', orgId: 'org-crash' });
    const user = { id: 'u-crash', email: 'crash@example.com', name: 'Crash', role: 'supplier' as const, orgId: 'org-crash', orgName: null, createdAt: new Date(0) };
    const invitations = Array.from({ length: ROWS }, (_, i) => newInvitation('u-crash', { recipientEmail: `guest.${i}@crash.example` }));
    await db.transaction((tx) => pushInvitations(tx, user, invitations.map((inv) => ({ newDocumentState: inv, assumedMasterState: null })), new Date()));
    expect(await states()).toEqual({ pending: ROWS });

    // The provider answers 12 messages, then goes quiet: the worker is stuck inside its second batch.
    await smtp.holdAfter(ANSWERED);
    const doomed = await startWorker();
    await expect.poll(() => smtp!.stats(), { timeout: 30_000, interval: 50 }).toEqual({ messages: ANSWERED, duplicates: 0, held: 2 * BATCH - ANSWERED });
    // Mid-batch: the first batch is recorded, the second is claimed (four of it reached the
    // provider, four hang), the rest waits.
    expect(await states()).toEqual({ pending: ROWS - 2 * BATCH, sending: BATCH, sent: BATCH });
    const leased = await db.query<{ id: string; due_at: Date }>(`SELECT id, due_at FROM deliveries WHERE state = 'sending'`);

    doomed.kill('SIGKILL');
    expect(await exited(doomed)).toBe('SIGKILL');
    await smtp.release();
    expect(await states()).toEqual({ pending: ROWS - 2 * BATCH, sending: BATCH, sent: BATCH });

    const drainer = await startWorker();
    await expect.poll(states, { timeout: 30_000, interval: 50 }).toEqual({ sent: ROWS });
    drainer.send('stop');
    expect(await exited(drainer)).toBe(0);

    // The dead worker's rows went out again only once its lease had run out, as a second attempt.
    const rows = await db.query<{ id: string; invitation_id: string; address: string; attempts: number; provider_id: string | null; sent_at: Date }>(
      'SELECT id, invitation_id, address, attempts, provider_id, sent_at FROM deliveries',
    );
    for (const { id, due_at } of leased) {
      const row = rows.find((r) => r.id === id)!;
      expect(row.attempts).toBe(2);
      expect(row.sent_at.getTime()).toBeGreaterThanOrEqual(due_at.getTime());
    }
    expect(rows.filter((r) => r.attempts === 1)).toHaveLength(ROWS - BATCH);
    expect(rows.every((r) => r.provider_id !== null)).toBe(true);

    // The provider kept exactly one message per recipient, each under its delivery's Message-ID;
    // the four that reached it before the crash came again and were recognised as copies.
    const caught = await smtp.caught();
    expect(caught).toHaveLength(ROWS);
    expect(new Set(caught.map((m) => m.messageId)).size).toBe(ROWS);
    const byRecipient = new Map(caught.map((m) => [m.to.join(','), m.messageId]));
    expect(byRecipient.size).toBe(ROWS);
    for (const row of rows) expect(byRecipient.get(row.address)).toBe(messageIdFor(row.id));
    expect(await smtp.stats()).toEqual({ messages: ROWS, duplicates: ANSWERED - BATCH, held: 0 });

    const sent = await db.query<{ invitation_id: string; n: number }>(
      `SELECT invitation_id, count(*)::int AS n FROM viral_events WHERE type = 'invitation.sent' GROUP BY invitation_id`,
    );
    expect(sent.map((s) => s.invitation_id).sort()).toEqual(invitations.map((i) => i.id).sort());
    expect(sent.every((s) => s.n === 1)).toBe(true);
    const statuses = await db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM invitations GROUP BY status`);
    expect(statuses).toEqual([{ status: 'sent', n: ROWS }]);
  }, 90_000);
});
