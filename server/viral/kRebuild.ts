/**
 * The counters recomputed from the raw rows: what k_daily, k_inviter_days, k_reach, k_cycle and
 * the connector tables must hold, derived in set-based SQL from invitations and users alone
 * (migration 004 explains the counters). `checkDrift` compares them with the live counters and
 * reports any difference (the nightly and on-demand check); `rebuildCounters` replaces the
 * counters with them (after a bulk load with the trigger off, or to repair a drift). The live
 * side of a comparison adds the main tables and the deltas not yet compacted.
 */
import type { Queryable } from '../db/db';

const DIMENSIONED = `
  inv AS (
    SELECT i.inviter_id, i.channel, i.variant, fraud_counted_status(i.status, i.fraud_excluded) AS status, i.accepted_at, i.counted_at, u.role,
           plusone_day(i.counted_at) AS day
      FROM invitations i JOIN users u ON u.id = i.inviter_id
     WHERE NOT i.deleted),
  dimmed AS (
    SELECT d.dim, d.val, inv.*
      FROM inv CROSS JOIN LATERAL (VALUES ('all', ''), ('actor', inv.role), ('channel', inv.channel), ('variant', inv.variant),
                                    ('experiment', inv.channel || ':' || inv.variant)) AS d (dim, val))`;

/** Each counter table: the expected rows, and the live rows that count (zeros are no rows). */
export const counterTables = {
  k_daily: {
    columns: 'dim, val, day, queued, sent, delivered, opened, accepted, declined, cancelled',
    expected: `WITH ${DIMENSIONED}
      SELECT dim, val, day,
             count(*) FILTER (WHERE status = 'queued')::int, count(*) FILTER (WHERE status = 'sent')::int,
             count(*) FILTER (WHERE status = 'delivered')::int, count(*) FILTER (WHERE status = 'opened')::int,
             count(*) FILTER (WHERE status = 'accepted')::int, count(*) FILTER (WHERE status = 'declined')::int,
             count(*) FILTER (WHERE status = 'cancelled')::int
        FROM dimmed GROUP BY dim, val, day`,
    live: `SELECT dim, val, day, sum(queued)::int, sum(sent)::int, sum(delivered)::int, sum(opened)::int, sum(accepted)::int,
                  sum(declined)::int, sum(cancelled)::int
             FROM (SELECT * FROM k_daily UNION ALL SELECT * FROM k_daily_delta) d GROUP BY dim, val, day
           HAVING sum(queued) <> 0 OR sum(sent) <> 0 OR sum(delivered) <> 0 OR sum(opened) <> 0 OR sum(accepted) <> 0
               OR sum(declined) <> 0 OR sum(cancelled) <> 0`,
  },
  k_inviter_days: {
    columns: 'dim, val, inviter_id, day, n',
    expected: `WITH ${DIMENSIONED} SELECT dim, val, inviter_id, day, count(*)::int FROM dimmed GROUP BY dim, val, inviter_id, day`,
    live: 'SELECT dim, val, inviter_id, day, n FROM k_inviter_days WHERE n <> 0',
  },
  k_reach: {
    columns: 'dim, val, start_day, day, n',
    // Each active day with its gap to the previous one (capped at 90), counted, then spread
    // over the window starts it is first in.
    expected: `WITH ${DIMENSIONED},
      days AS (SELECT DISTINCT dim, val, inviter_id, day FROM dimmed),
      gaps AS (
        SELECT dim, val, day, least(coalesce(day - lag(day) OVER (PARTITION BY dim, val, inviter_id ORDER BY day), 90), 90) AS gap
          FROM days),
      grouped AS (SELECT dim, val, day, gap, count(*)::int AS n FROM gaps GROUP BY dim, val, day, gap)
      SELECT dim, val, day - i AS start_day, day, sum(n)::int
        FROM grouped CROSS JOIN LATERAL generate_series(0, gap - 1) AS i
       GROUP BY dim, val, day - i, day`,
    // The rebuild derives it from the k_inviter_days it has just rebuilt (7× faster at 1M than
    // from the raw rows again); the drift check keeps the independent derivation above.
    rebuild: `WITH gaps AS (
        SELECT dim, val, day, least(coalesce(day - lag(day) OVER (PARTITION BY dim, val, inviter_id ORDER BY day), 90), 90) AS gap
          FROM k_inviter_days),
      grouped AS (SELECT dim, val, day, gap, count(*)::int AS n FROM gaps GROUP BY dim, val, day, gap)
      SELECT dim, val, day - i AS start_day, day, sum(n)::int
        FROM grouped CROSS JOIN LATERAL generate_series(0, gap - 1) AS i
       GROUP BY dim, val, day - i, day`,
    live: `SELECT dim, val, start_day, day, sum(n)::int
             FROM (SELECT dim, val, start_day, day, n FROM k_reach
                   UNION ALL
                   SELECT dim, val, day - i, day, n FROM k_reach_delta CROSS JOIN LATERAL generate_series(0, gap - 1) AS i) r
            GROUP BY dim, val, start_day, day HAVING sum(n) <> 0`,
  },
  k_cycle: {
    columns: 'dim, val, day, days, n',
    expected: `WITH ${DIMENSIONED}
      SELECT dim, val, day, floor(extract(epoch FROM accepted_at - counted_at) / 86400)::int AS days, count(*)::int
        FROM dimmed WHERE status = 'accepted' AND accepted_at IS NOT NULL
       GROUP BY 1, 2, 3, 4`,
    live: `SELECT dim, val, day, days, sum(n)::int FROM (SELECT * FROM k_cycle UNION ALL SELECT * FROM k_cycle_delta) c
            GROUP BY dim, val, day, days HAVING sum(n) <> 0`,
  },
  connector_links: {
    columns: 'supplier_id, recipient_email, relationship, status',
    // An acceptance excluded as fraud counts as opened (migration 014).
    expected: `SELECT DISTINCT ON (i.inviter_id, i.recipient_email) i.inviter_id, i.recipient_email, i.relationship,
              fraud_counted_status(i.status, i.fraud_excluded)
        FROM invitations i JOIN users u ON u.id = i.inviter_id AND u.role = 'supplier'
       WHERE NOT i.deleted AND i.relationship <> 'fellow_supplier'
       ORDER BY i.inviter_id, i.recipient_email, (fraud_counted_status(i.status, i.fraud_excluded) = 'accepted') DESC, i.updated_at DESC, i.id DESC`,
    live: 'SELECT supplier_id, recipient_email, relationship, status FROM connector_links',
  },
  connector_mix: {
    columns: 'supplier_id, relationship, status, n',
    expected: `SELECT supplier_id, relationship, status, count(*)::int FROM connector_links GROUP BY 1, 2, 3`,
    live: 'SELECT supplier_id, relationship, status, n FROM connector_mix WHERE n <> 0',
  },
} as const;

export type CounterTable = keyof typeof counterTables;

export interface DriftReport {
  checkedAt: string;
  /** Rows that differ per table (missing, extra or wrong), 0 everywhere when the counters are right. */
  differences: Record<CounterTable, number>;
  total: number;
  ms: number;
}

export async function checkDrift(db: Queryable, now = new Date()): Promise<DriftReport> {
  const started = performance.now();
  const differences = {} as Record<CounterTable, number>;
  for (const [table, q] of Object.entries(counterTables) as [CounterTable, (typeof counterTables)[CounterTable]][]) {
    // connector_mix is checked against the live links (whose own check comes just before).
    const [row] = await db.query<{ n: number }>(
      `WITH e AS (${q.expected}), l AS (${q.live})
       SELECT ((SELECT count(*) FROM (SELECT * FROM e EXCEPT ALL SELECT * FROM l) a)
             + (SELECT count(*) FROM (SELECT * FROM l EXCEPT ALL SELECT * FROM e) b))::int AS n`,
    );
    differences[table] = row?.n ?? 0;
  }
  const [stats] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM connector_stats s
      WHERE s.connections <> coalesce((SELECT count(*) FROM connector_links l WHERE l.supplier_id = s.supplier_id), 0)`,
  );
  differences.connector_links += stats?.n ?? 0;
  const total = Object.values(differences).reduce((a, b) => a + b, 0);
  return { checkedAt: now.toISOString(), differences, total, ms: performance.now() - started };
}

/** Replaces every counter with its recomputation (run in a transaction). */
export async function rebuildCounters(tx: Queryable): Promise<void> {
  await tx.query(`TRUNCATE k_daily, k_daily_delta, k_inviter_days, k_reach, k_reach_delta, k_cycle, k_cycle_delta,
    connector_links, connector_mix`);
  for (const [table, q] of Object.entries(counterTables)) {
    await tx.query(`INSERT INTO ${table} (${q.columns}) ${'rebuild' in q ? q.rebuild : q.expected}`);
  }
  await tx.query(
    `INSERT INTO connector_stats (supplier_id, connections)
     SELECT supplier_id, count(*)::int FROM connector_links GROUP BY supplier_id
     ON CONFLICT (supplier_id) DO UPDATE SET connections = EXCLUDED.connections`,
  );
  await tx.query(
    `UPDATE connector_stats s SET connections = 0 WHERE NOT EXISTS (SELECT 1 FROM connector_links l WHERE l.supplier_id = s.supplier_id)`,
  );
  await tx.query(
    `UPDATE connector_stats s SET last_success_at = a.last
       FROM (SELECT inviter_id, max(accepted_at) AS last FROM invitations WHERE status = 'accepted' AND NOT deleted AND NOT fraud_excluded GROUP BY inviter_id) a
      WHERE a.inviter_id = s.supplier_id`,
  );
}
