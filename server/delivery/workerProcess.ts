/**
 * A delivery worker in a process of its own, for the crash test (crash.test.ts): the real pool
 * (claim → send → settle) on the database at WORKER_DATABASE_URL, sending email to
 * WORKER_SMTP_URL, with the lease and batch the test sets. It says `ready` over IPC once
 * running, and on `stop` lets its batch finish and exits; the test may SIGKILL it instead.
 */
import { openPostgres } from '../db/postgres';
import { createLogger } from '../log';
import { emailAdapter } from './channels/email';
import { startWorkers } from './pool';

const need = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const db = openPostgres(need('WORKER_DATABASE_URL'), 4);
const adapter = emailAdapter({ smtpUrl: need('WORKER_SMTP_URL'), from: 'PlusOne <worker@plusone.local>' });
const pool = startWorkers(
  {
    db,
    adapters: { email: adapter },
    policy: { baseMs: 50, maxMs: 200, maxAttempts: 5 },
    leaseMs: Number(need('WORKER_LEASE_MS')),
    batch: Number(need('WORKER_BATCH')),
    publicUrl: () => 'http://plusone.test',
  },
  { workers: 1, pollMs: 20, log: createLogger('silent') },
);
process.send!('ready');
process.on('message', async (m) => {
  if (m !== 'stop') return;
  await pool.stop();
  await adapter.close();
  await db.close();
  process.exit(0);
});
