/**
 * The anonymisation job (issue 8 point 7; the rules are in shared/privacy.ts): personal data in
 * invitations created more than a year ago is replaced, in small batches of one short
 * transaction each (a push is never queued behind the job for long), until nothing is left.
 *
 * - Idempotent: a second run finds nothing to do and changes nothing (it still logs its run).
 * - Safe beside writes: see the locks in scrub.ts; a batch that loses a deadlock to a push is
 *   retried once, and anything it left is picked up by the next run.
 * - The counters do not move (scrub.ts says why); the drift check stays at 0.
 * - Every run is logged in privacy_log: when, the cutoff, rows per table, how long it took.
 * - Webhook response excerpts older than the cutoff are cleared too (a receiver may echo data).
 *
 * `startPrivacyJobs` runs it a minute after start and then daily; the owner can run it now.
 */
import { anonymiseCutoff } from '../../shared/privacy';
import type { Db, Queryable } from '../db/db';
import type { Logger } from '../log';
import { logPrivacy, type PrivacyLogEntry, type PrivacyTrigger } from './privacyLog';
import { addCounts, anonymisePairs, clearOldContent, noCounts, type Pair, type ScrubCounts } from './scrub';

export const ANONYMISE_BATCH = 200;
export const ANONYMISE_EVERY_MS = 24 * 60 * 60_000;
/** The first run waits for the server to settle (and never runs in a test that ends sooner). */
export const ANONYMISE_FIRST_AFTER_MS = 60_000;

/** Old pairs whose every invitation is old, not anonymised yet (at most `limit`). */
async function duePairs(db: Queryable, cutoff: Date, limit: number): Promise<Pair[]> {
  return db.query<Pair>(
    `SELECT o.inviter_id AS "inviterId", o.recipient_email AS "recipientEmail"
       FROM (SELECT DISTINCT inviter_id, recipient_email FROM invitations WHERE anonymised_at IS NULL AND created_at < $1) o
      WHERE NOT EXISTS (SELECT 1 FROM invitations n
                         WHERE n.inviter_id = o.inviter_id AND n.recipient_email = o.recipient_email AND n.created_at >= $1)
      ORDER BY 1, 2 LIMIT $2`,
    [cutoff, limit],
  );
}

/**
 * Old invitations with content left to clear: those of pairs that still have a newer one, and
 * any anonymised one a device's stale offline edit wrote free text into again (free text goes
 * to the last write, shared/invitationWrites.ts).
 */
async function dueContent(db: Queryable, cutoff: Date, after: string, limit: number): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM invitations
      WHERE created_at < $1 AND id > $2::uuid
        AND (recipient_name <> '' OR recipient_phone IS NOT NULL OR message <> '' OR invite_code IS NOT NULL OR short_code IS NOT NULL)
      ORDER BY id LIMIT $3`,
    [cutoff, after, limit],
  );
  return rows.map((r) => r.id);
}

/**
 * Webhook log: a receiver's answer is stored as an excerpt (server/webhooks/worker.ts), and a
 * receiver may echo the payload back, names and addresses included. Excerpts of attempts older
 * than the cutoff are cleared like any other old personal data; the attempt itself (when, status,
 * latency) stays for the log. One short statement per batch; returns the rows cleared.
 */
async function clearOldExcerpts(db: Queryable, cutoff: Date, limit: number): Promise<number> {
  const rows = await db.query<{ id: number }>(
    `UPDATE webhook_attempts SET response_excerpt = NULL
      WHERE id IN (SELECT id FROM webhook_attempts WHERE attempted_at < $1 AND response_excerpt IS NOT NULL LIMIT $2)
      RETURNING id`,
    [cutoff, limit],
  );
  return rows.length;
}

const isDeadlock = (err: unknown) => (err as { code?: unknown })?.code === '40P01';

async function batch<T>(db: Db, work: (tx: Queryable) => Promise<T>): Promise<T> {
  try {
    return await db.transaction(work);
  } catch (err) {
    if (!isDeadlock(err)) throw err;
    return db.transaction(work);
  }
}

export interface AnonymiseOptions {
  trigger: PrivacyTrigger;
  batchSize?: number;
}

/** Runs the job to the end and logs the run; returns the log entry. */
export async function runAnonymisation(db: Db, now: Date, { trigger, batchSize = ANONYMISE_BATCH }: AnonymiseOptions): Promise<PrivacyLogEntry> {
  const started = performance.now();
  const cutoff = anonymiseCutoff(now);
  let counts: ScrubCounts = noCounts();
  let pairs = 0;
  for (;;) {
    const due = await duePairs(db, cutoff, batchSize);
    if (due.length === 0) break;
    const done = await batch(db, (tx) => anonymisePairs(tx, due, now, cutoff));
    counts = addCounts(counts, done);
    pairs += due.length;
    // Pairs that gained a new invitation meanwhile are no longer due; a batch that changed
    // nothing at all ends the run (a guard: the next run tries again).
    if (done.invitations === 0) break;
  }
  let partly = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const ids = await dueContent(db, cutoff, after, batchSize);
    if (ids.length === 0) break;
    const done = await batch(db, (tx) => clearOldContent(tx, ids));
    partly += done.invitations;
    counts = addCounts(counts, { ...done, invitations: 0 });
    after = ids[ids.length - 1]!;
  }
  let excerpts = 0;
  for (let cleared = batchSize; cleared === batchSize; excerpts += cleared) cleared = await clearOldExcerpts(db, cutoff, batchSize);
  return logPrivacy(db, {
    kind: 'anonymisation',
    trigger,
    startedAt: now,
    durationMs: performance.now() - started,
    cutoff,
    rows: { invitations: counts.invitations, invitations_partly: partly, deliveries: counts.deliveries, viral_events: counts.viral_events, pairs, webhook_excerpts: excerpts },
  });
}

/** Schedules the job (first run after a minute, then daily); returns a stop. */
export function startPrivacyJobs(db: Db, log: Logger, onDone: (entry: PrivacyLogEntry) => void = () => {}): () => void {
  const run = () =>
    void runAnonymisation(db, new Date(), { trigger: 'schedule' })
      .then((entry) => {
        log.info({ privacy: entry }, 'anonymisation run');
        onDone(entry);
      })
      .catch((err) => log.error({ err, job: 'anonymise' }, 'anonymisation failed'));
  const first = setTimeout(run, ANONYMISE_FIRST_AFTER_MS);
  const daily = setInterval(run, ANONYMISE_EVERY_MS);
  first.unref();
  daily.unref();
  return () => {
    clearTimeout(first);
    clearInterval(daily);
  };
}
