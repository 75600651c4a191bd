/**
 * A large, realistic invitations table for the analytics benchmark, generated set-based in SQL
 * (generate_series), with the analytics trigger and foreign-key checks off for the load
 * (`session_replication_role = replica`): the counters are then rebuilt from the rows in one go.
 *
 * Shape, over the last 90 days: `inviters` users, the busiest a fifth being suppliers; who sends
 * an invitation is heavy-tailed (inviter rank r gets a share ∝ r^-0.6, so the busiest sends
 * thousands and most send a handful); channels mostly email; three template variants; times
 * uniform over 90 days; an acceptance comes hours to weeks after the invitation (so the last days
 * are still open), others sent, delivered, opened, declined, cancelled or still queued. The
 * acceptance rate is set so that K over 30 days is about 1.3.
 */
import type { Queryable } from '../db/db';

export interface BenchShape {
  invitations: number;
  inviters: number;
}

/** Inviters by rank: rank = 1 + floor(inviters × u^SKEW) for uniform u, so low ranks are busy. */
export const SKEW = 2.5;
/** The busiest fifth of inviters are suppliers; the rest couples. */
export const SUPPLIER_SHARE = 0.2;
/** Chance an invitation is (eventually) accepted, before the channel and variant adjust it. */
const ACCEPT = 0.37;
/** Rows per INSERT statement (one progress line each). */
const CHUNK = 1_000_000;

/** The inviter id of a rank, and a rank drawn as the load draws them (for new writes in the benchmark). */
export const inviterId = (rank: number): string => `b${rank}`;
export function drawRank(inviters: number, u: number): number {
  return 1 + Math.floor(inviters * Math.pow(u, SKEW));
}
export const isSupplierRank = (rank: number, inviters: number): boolean => rank <= Math.ceil(inviters * SUPPLIER_SHARE);

const INSERT_CHUNK = `
  INSERT INTO invitations (id, inviter_id, org_id, recipient_email, recipient_name, relationship, channel, status, message,
      captured_at, device_id, write_id, created_at, updated_at, deleted, rev, txid, counted_at, time_source, variant, accepted_at)
  SELECT id, 'b' || rank, NULL, 'g' || g || '@guests.example', '', relationship, channel,
         CASE WHEN ua < $4 * lift THEN (CASE WHEN accept_at <= now() THEN 'accepted' WHEN at > now() - interval '1 hour' THEN 'sent' ELSE 'opened' END)
              WHEN at > now() - interval '3 hours' THEN (CASE WHEN us < 0.25 THEN 'queued' WHEN us < 0.75 THEN 'sent' ELSE 'delivered' END)
              WHEN us < 0.10 THEN 'sent' WHEN us < 0.32 THEN 'delivered' WHEN us < 0.62 THEN 'opened'
              WHEN us < 0.90 THEN 'declined' WHEN us < 0.98 THEN 'cancelled' ELSE 'queued' END,
         '', at, 'bench', id, at, CASE WHEN ua < $4 * lift AND accept_at <= now() THEN accept_at ELSE at END, false,
         nextval('plusone_rev'), txid, at, 'device', variant,
         CASE WHEN ua < $4 * lift AND accept_at <= now() THEN accept_at END
    FROM (
      SELECT r.*,
             (CASE channel WHEN 'email' THEN 1.0 WHEN 'sms' THEN 0.88 ELSE 1.12 END)
               * (CASE variant WHEN 'control' THEN 1.0 WHEN 'variant_a' THEN 1.12 ELSE 0.94 END) AS lift,
             CASE WHEN rank <= $5 THEN (CASE WHEN ur < 0.72 THEN 'past_client' WHEN ur < 0.80 THEN 'friend_family'
                                             WHEN ur < 0.86 THEN 'other' ELSE 'fellow_supplier' END)
                  ELSE (CASE WHEN ur < 0.88 THEN 'friend_family' ELSE 'other' END) END AS relationship,
             at + interval '2 hours' + (-ln(1 - ud) * 3.5) * interval '1 day' AS accept_at
        FROM (
          SELECT g, ('00000000-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid AS id,
                 (1 + floor($3 * power(random(), ${SKEW})))::bigint AS rank,
                 now() - random() * interval '90 days' AS at,
                 CASE WHEN random() < 0.72 THEN 'email' WHEN random() < 0.5 THEN 'sms' ELSE 'whatsapp' END AS channel,
                 CASE WHEN random() < 0.5 THEN 'control' WHEN random() < 0.5 THEN 'variant_a' ELSE 'variant_b' END AS variant,
                 random() AS ua, random() AS ud, random() AS ur, random() AS us, t.txid
            FROM generate_series($1::bigint, $2::bigint) AS g, (SELECT plusone_txid() AS txid) AS t) r) s`;

/**
 * Users and invitations, in the caller's transaction, with the trigger off. The secondary indexes
 * of invitations are dropped for the load and built again after it (the same definitions).
 */
export async function bulkLoad(tx: Queryable, shape: BenchShape, progress: (line: string) => void = () => undefined): Promise<void> {
  const suppliers = Math.ceil(shape.inviters * SUPPLIER_SHARE);
  await tx.query(`SET LOCAL session_replication_role = replica`);
  await tx.query(`SET LOCAL maintenance_work_mem = '1GB'`);
  await tx.query(`SET LOCAL work_mem = '256MB'`);
  await tx.query(`SELECT setseed(0.2026)`);
  await tx.query(
    `INSERT INTO users (id, email, name, role, created_at)
     SELECT 'b' || g, 'b' || g || '@bench.example', 'Inviter ' || g, CASE WHEN g <= $2 THEN 'supplier' ELSE 'couple' END,
            now() - interval '400 days'
       FROM generate_series(1, $1::bigint) AS g`,
    [shape.inviters, suppliers],
  );
  progress(`users ${shape.inviters.toLocaleString('en-US')} (${suppliers.toLocaleString('en-US')} suppliers)`);
  const indexes = await tx.query<{ name: string; def: string }>(
    `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
      WHERE i.schemaname = current_schema() AND i.tablename = 'invitations'
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
  );
  for (const ix of indexes) await tx.query(`DROP INDEX ${ix.name}`);
  for (let lo = 1; lo <= shape.invitations; lo += CHUNK) {
    const hi = Math.min(shape.invitations, lo + CHUNK - 1);
    const started = performance.now();
    await tx.query(INSERT_CHUNK, [lo, hi, shape.inviters, ACCEPT, suppliers]);
    const ms = performance.now() - started;
    progress(`invitations ${hi.toLocaleString('en-US')} / ${shape.invitations.toLocaleString('en-US')} (${Math.round(((hi - lo + 1) / ms) * 1000).toLocaleString('en-US')} rows/s)`);
  }
  const started = performance.now();
  for (const ix of indexes) await tx.query(ix.def);
  progress(`${indexes.length} secondary indexes built again in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
