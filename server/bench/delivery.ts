/**
 * Delivery throughput (issue: "≥ 500 emails/s to the local SMTP server from the outbox with 4
 * workers"). N invitations go through the real push path (so their outbox rows are written in
 * the push's transaction), then the workers drain the outbox into the local SMTP peer (a real
 * SMTP server, `smtp-server`, in a process of its own): claim with SKIP LOCKED, render the template,
 * send over pooled SMTP connections, record each result, move each invitation to sent and
 * record its event. Timed from the workers' start until every row is recorded as sent.
 */
import { randomBytes } from 'node:crypto';
import { newInviteCode, newShortCode } from '../../shared/codes';
import { createLogger } from '../log';
import { emailAdapter } from '../delivery/channels/email';
import { startWorkers } from '../delivery/pool';
import type { DeliveryCore } from '../delivery/worker';
import { pushInvitations } from '../sync/invitations';
import { freshDb, type TestDb } from '../test/databases';
import { addUser } from '../test/fixtures';
import { startSmtpPeerProcess } from '../test/providers/smtpProcess';
import { newInvitation } from '../test/server';
import type { Row, Suite } from './table';

const EMAILS = Number(process.env.BENCH_DELIVERY_EMAILS ?? 5000);
const WORKER_COUNTS = [4, 1];
/** The load comes from many suppliers, as on a platform (one supplier's rows share counters). */
const SUPPLIERS = 50;

async function enqueue(testDb: TestDb, n: number): Promise<void> {
  for (let s = 0; s < SUPPLIERS; s++) await addUser(testDb.db, { id: `u-bench-${s}`, email: `u-bench-${s}@bench.plusone`, role: 'supplier', orgId: `org-bench-${s}` });
  for (let done = 0, turn = 0; done < n; done += 100, turn++) {
    const inviter = `u-bench-${turn % SUPPLIERS}`;
    const user = { id: inviter, email: `${inviter}@bench.plusone`, name: inviter, role: 'supplier' as const, orgId: `org-bench-${turn % SUPPLIERS}`, orgName: null, createdAt: new Date(0) };
    const rows = Array.from({ length: Math.min(100, n - done) }, (_, i) => ({
      newDocumentState: newInvitation(inviter, {
        recipientEmail: `guest.${done + i}@bench.example`,
        inviteCode: newInviteCode((k) => randomBytes(k)),
        shortCode: newShortCode((k) => randomBytes(k)),
      }),
      assumedMasterState: null,
    }));
    await testDb.db.transaction((tx) => pushInvitations(tx, user, rows, new Date()));
  }
}

async function drain(testDb: TestDb, workers: number): Promise<{ ms: number; caught: number; duplicates: number }> {
  const smtp = await startSmtpPeerProcess();
  const adapter = emailAdapter({ smtpUrl: smtp.url, from: 'PlusOne <bench@plusone.local>', connections: 4 });
  const core: DeliveryCore = {
    db: testDb.db,
    adapters: { email: adapter },
    policy: { baseMs: 1000, maxMs: 10_000, maxAttempts: 5 },
    leaseMs: 60_000,
    batch: 50,
    publicUrl: () => 'http://localhost:3000',
  };
  const started = performance.now();
  const pool = startWorkers(core, { workers, pollMs: 5, log: createLogger('silent') });
  try {
    for (;;) {
      const left = (await testDb.db.query<{ left: number }>(`SELECT count(*)::int AS left FROM deliveries WHERE state IN ('pending', 'sending')`))[0]!.left;
      if (left === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const ms = performance.now() - started;
    const { messages, duplicates } = await smtp.stats();
    return { ms, caught: messages, duplicates };
  } finally {
    await pool.stop();
    await adapter.close();
    await smtp.close();
  }
}

export const delivery: Suite = {
  name: 'delivery',
  about: [`${EMAILS} invitations from ${SUPPLIERS} suppliers pushed, then drained from the outbox to the local SMTP server (4 pooled connections per worker, batches of 50)`],
  async run(): Promise<Row[]> {
    const rows: Row[] = [];
    for (const workers of WORKER_COUNTS) {
      const testDb = await freshDb();
      try {
        const n = workers === 4 ? EMAILS : Math.round(EMAILS / 2);
        await enqueue(testDb, n);
        const { ms, caught, duplicates } = await drain(testDb, workers);
        const sent = (await testDb.db.query<{ sent: number }>(`SELECT count(*)::int AS sent FROM invitations WHERE status = 'sent'`))[0]!.sent;
        rows.push({
          operation: `outbox → SMTP, ${workers} worker${workers > 1 ? 's' : ''}`,
          n,
          totalMs: ms,
          throughput: (n / ms) * 1000,
          note: `${caught} caught, ${duplicates} duplicates, ${sent} invitations sent (${testDb.engine})${workers === 4 ? '; target ≥ 500/s' : ''}`,
        });
      } finally {
        await testDb.drop();
      }
    }
    return rows;
  },
};
