/**
 * Viral analytics at scale (DESIGN §4, §7): `npm run bench -- analytics [--invitations N]
 * [--inviters M] [--keep]`. On the PostgreSQL at DATABASE_URL it creates its own database
 * (plusone_bench_analytics, dropped at the end unless --keep), loads N invitations from M inviters
 * set-based with the trigger off (analyticsData.ts), rebuilds the counters from the rows, then
 * measures, side by side with the brief's materialized view:
 *  - reading K (readWindow, readBreakdown) against reading the view, and refreshing the view;
 *  - the extra cost per write of keeping the counters (trigger on vs off), insert and acceptance;
 *  - K freshness after an acceptance: counters (commit + read) vs view (commit + refresh + read);
 *  - an acceptance → K on a connected, watching dashboard (dashboardPath.ts: publisher + Socket.IO);
 *  - super-connectors: rescoring everyone, and the per-event update;
 *  - folding the writes' deltas into the counters (the compaction job).
 * Every loop has a fixed count, so the run is bounded; progress lines show it moving.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { utcDay, windowEnding, type DayWindow } from '../../shared/viral';
import type { Db, Queryable } from '../db/db';
import { migrate } from '../db/migrate';
import { openPostgres } from '../db/postgres';
import { insertInvitations, type NewInvitation } from '../sync/invitations';
import { recomputeConnectors, updateConnectors } from '../viral/connectors';
import { COMPACT_EVERY_MS } from '../viral/jobs';
import { compactCounters, readBreakdown, readWindow, type Dimension } from '../viral/kCounters';
import { checkDrift, rebuildCounters } from '../viral/kRebuild';
import { bulkLoad, drawRank, inviterId, isSupplierRank } from './analyticsData';
import { dashboardPath } from './dashboardPath';
import { fmt, latencyRow, load, sample, say, startClock, timed, timedLong, WARMUP } from './measure';
import { median, percentile, type Row, type Suite } from './table';

/** The suite's command-line options (run.ts parses them too, to tell them from suite names). */
export const analyticsOptions = {
  invitations: { type: 'string' },
  inviters: { type: 'string' },
  keep: { type: 'boolean' },
} as const;

const DB_NAME = 'plusone_bench_analytics';
const READS = 2000;
const BREAKDOWN_READS = 1000;
const WRITE_ROUNDS = 4;
const WRITES_PER_ROUND = 250;
const FRESH_READS = 200;
const CONNECTOR_UPDATES = 500;
const DASHBOARD_ROUNDS = 20;
/** Above this many invitations the drift check (a second full recomputation) is skipped. */
const DRIFT_CHECK_UP_TO = 2_000_000;

const VIEW = `CREATE MATERIALIZED VIEW viral_coefficient_cache AS
  SELECT count(*) FILTER (WHERE status = 'accepted')::float8 / nullif(count(DISTINCT inviter_id), 0) AS k,
         count(DISTINCT inviter_id) AS inviters, count(*) AS invited, count(*) FILTER (WHERE status = 'accepted') AS accepted
    FROM invitations WHERE NOT deleted AND counted_at >= now() - interval '30 days'`;

function readOptions() {
  const { values } = parseArgs({ args: process.argv.slice(2), options: analyticsOptions, allowPositionals: true });
  const invitations = Number(values.invitations ?? 1_000_000);
  const inviters = Number(values.inviters ?? Math.max(1, Math.round(invitations / 10)));
  for (const [name, n] of [['invitations', invitations], ['inviters', inviters]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`--${name} must be a positive whole number, not ${n}`);
  }
  return { invitations, inviters, keep: values.keep ?? false };
}

async function admin(base: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

function randomWindow(today: string, maxEndOffset = 14): DayWindow {
  const end = windowEnding(today, 1 + Math.floor(Math.random() * maxEndOffset)).start;
  return windowEnding(end, pick([7, 30, 90]));
}

const DIM_VALUES: Record<Extract<Dimension, 'actor' | 'channel' | 'variant'>, string[]> = {
  actor: ['supplier', 'couple'],
  channel: ['email', 'sms', 'whatsapp'],
  variant: ['control', 'variant_a', 'variant_b'],
};

export const analytics: Suite = {
  name: 'analytics',
  about: [
    'K from the incremental counters vs the brief\'s materialized view, on a generated platform (PostgreSQL at DATABASE_URL);',
    'options: --invitations N (default 1,000,000), --inviters M (default N/10), --keep (leave the database)',
  ],
  async run(): Promise<Row[]> {
    const opts = readOptions();
    startClock();
    const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const url = new URL(base);
    url.pathname = `/${DB_NAME}`;
    say(`load average (1/5/15 min) at start: ${load()}`);
    say(`${opts.invitations.toLocaleString('en-US')} invitations from ${opts.inviters.toLocaleString('en-US')} inviters, database ${DB_NAME}`);
    await admin(base, `DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await admin(base, `CREATE DATABASE ${DB_NAME}`);
    const db = openPostgres(url.toString(), 4);
    let dropped = false;
    const cleanUp = async () => {
      if (dropped) return;
      dropped = true;
      await db.close().catch(() => undefined);
      if (!opts.keep) await admin(base, `DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    };
    const onSignal = () => void cleanUp().finally(() => process.exit(130));
    process.once('SIGINT', onSignal);
    try {
      const rows = await measure(db, opts);
      say(`load average (1/5/15 min) at end: ${load()}`);
      return rows;
    } finally {
      process.off('SIGINT', onSignal);
      await cleanUp();
      say(opts.keep ? `kept database ${DB_NAME}` : `dropped database ${DB_NAME}`);
    }
  },
};

async function measure(db: Db, opts: { invitations: number; inviters: number }): Promise<Row[]> {
  const n = opts.invitations;
  const rows: Row[] = [];
  const lines: string[] = [];
  await migrate(db);

  // --- Load and rebuild.
  const [, loadMs] = await timedLong('loading', () => db.transaction((tx) => bulkLoad(tx, opts, say)));
  const [, vacuumMs] = await timed(async () => {
    await db.query('VACUUM (ANALYZE) invitations');
    await db.query('ANALYZE users');
  });
  say(`vacuum + analyze ${(vacuumMs / 1000).toFixed(1)} s`);
  rows.push({ operation: 'bulk load, trigger off (users, invitations, indexes)', n, totalMs: loadMs, throughput: (n / loadMs) * 1000, note: `+ vacuum/analyze ${fmt(vacuumMs)} ms` });

  say('rebuilding the counters from the rows (rebuildCounters)…');
  const [, rebuildMs] = await timedLong('rebuilding', () =>
    db.transaction(async (tx) => {
      await tx.query(`SET LOCAL work_mem = '512MB'`);
      await tx.query(`SET LOCAL maintenance_work_mem = '1GB'`);
      await rebuildCounters(tx);
    }),
  );
  // As a long-lived database would have them: vacuumed (visibility map, no autovacuum mid-run), analyzed.
  const [, vacuumCountersMs] = await timed(() => db.query('VACUUM (ANALYZE) k_daily, k_inviter_days, k_reach, k_cycle, connector_links, connector_mix, connector_stats'));
  const sizes = await db.query<{ name: string; n: number; mb: number }>(
    `SELECT relname AS name, reltuples::bigint AS n, (pg_total_relation_size(oid) / 1048576)::int AS mb
       FROM pg_class WHERE relname IN ('invitations', 'k_inviter_days', 'k_reach', 'k_daily', 'connector_links') ORDER BY relname`,
  );
  const sizeNote = sizes.map((s) => `${s.name} ${s.n.toLocaleString('en-US')} rows ${s.mb} MB`).join('; ');
  say(`rebuilt in ${(rebuildMs / 1000).toFixed(1)} s: ${sizeNote}`);
  rows.push({ operation: 'rebuildCounters (every counter from the rows)', n, totalMs: rebuildMs, throughput: (n / rebuildMs) * 1000, note: `+ vacuum/analyze ${fmt(vacuumCountersMs)} ms` });
  // Flush the load's gigabytes now, not in the middle of the write measurements below.
  await db.query('CHECKPOINT').catch(() => say('CHECKPOINT refused (not a superuser): write latencies may include the load\'s checkpoint'));
  lines.push(`sizes: ${sizeNote}`);

  if (n <= DRIFT_CHECK_UP_TO) {
    say('drift check (checkDrift)…');
    const [report, driftMs] = await timedLong('checking', () => checkDrift(db));
    rows.push({ operation: 'checkDrift (nightly: recompute and compare)', n, totalMs: driftMs, note: `${report.total} differences` });
  } else {
    lines.push(`checkDrift skipped above ${DRIFT_CHECK_UP_TO.toLocaleString('en-US')} invitations (a second full recomputation)`);
  }

  const today = utcDay(new Date());
  const w30 = windowEnding(today, 30);
  const k30 = await readWindow(db, 'all', '', w30);
  lines.push(`platform K over 30 days (counters, whole UTC days): ${(k30.accepted / Math.max(1, k30.inviters)).toFixed(3)} = ${k30.accepted.toLocaleString('en-US')} accepted ÷ ${k30.inviters.toLocaleString('en-US')} inviters`);

  // --- Reads: counters.
  say(`reads: ${READS} × readWindow…`);
  const readPlatform = await sample(READS, () => readWindow(db, 'all', '', w30));
  rows.push(latencyRow('read K: readWindow, platform, 30 days ending today', readPlatform));
  const readRandom = await sample(READS, () => readWindow(db, 'all', '', randomWindow(today)));
  rows.push(latencyRow('read K: readWindow, platform, random 7/30/90-day window', readRandom));
  const readValue = await sample(READS, () => {
    const dim = pick(['actor', 'channel', 'variant'] as const);
    return readWindow(db, dim, pick(DIM_VALUES[dim]), randomWindow(today));
  });
  rows.push(latencyRow('read K: readWindow, one actor/channel/variant, random window', readValue));
  for (const dim of ['channel', 'variant', 'actor'] as const) {
    say(`reads: ${BREAKDOWN_READS} × readBreakdown(${dim})…`);
    const ms = await sample(BREAKDOWN_READS, () => readBreakdown(db, dim, randomWindow(today)));
    rows.push(latencyRow(`read K breakdown: readBreakdown by ${dim}, random window`, ms));
  }
  // Where a read's time goes on the server: planning (each read is planned afresh) and execution.
  for (const [name, read] of [
    ['readWindow', (q: Queryable) => readWindow(q, 'all', '', w30)],
    ['readBreakdown(channel)', (q: Queryable) => readBreakdown(q, 'channel', w30)],
  ] as const) {
    const { planning, execution } = await serverTime(db, read);
    lines.push(`${name} on the server: planning ${fmt(planning)} ms + execution ${fmt(execution)} ms (median of ${EXPLAINS} EXPLAIN ANALYZE)`);
  }

  // --- The brief's materialized view.
  say('materialized view: create, read, refresh…');
  const [, createViewMs] = await timed(() => db.query(VIEW));
  const viewReads = await sample(READS, () => db.query('SELECT * FROM viral_coefficient_cache'));
  rows.push(latencyRow('read K: materialized view viral_coefficient_cache', viewReads, 'stale until the next refresh'));
  const refreshRuns = n <= DRIFT_CHECK_UP_TO ? 5 : 3;
  const refreshes = await sample(refreshRuns, () => db.query('REFRESH MATERIALIZED VIEW viral_coefficient_cache'), 0);
  rows.push({ operation: 'REFRESH MATERIALIZED VIEW viral_coefficient_cache', n: refreshRuns, totalMs: median(refreshes), runsMs: refreshes, note: `create ${fmt(createViewMs)} ms` });
  const [view] = await db.query<{ k: number; inviters: number; accepted: number }>('SELECT k, inviters, accepted FROM viral_coefficient_cache');
  lines.push(`platform K over 30 days (view, rolling 30 × 24 h): ${view!.k.toFixed(3)} = ${Number(view!.accepted).toLocaleString('en-US')} accepted ÷ ${Number(view!.inviters).toLocaleString('en-US')} inviters`);

  // --- Writes: the counters' cost, trigger on vs off, in alternating rounds. Between writes (not
  // timed) the deltas are compacted every COMPACT_EVERY_MS, as the job does in the server.
  const compactions: number[] = [];
  let compactedAt = performance.now();
  const compactIfDue = async () => {
    if (performance.now() - compactedAt < COMPACT_EVERY_MS) return;
    const [, ms] = await timed(() => compactCounters(db));
    compactions.push(ms);
    compactedAt = performance.now();
  };
  const toAccept = await openInvitations(db, n, 2 * WRITE_ROUNDS * (WRITES_PER_ROUND + WARMUP) + FRESH_READS + DASHBOARD_ROUNDS + 2 * WARMUP + 10);
  let nextAccept = 0;
  const accept = () => {
    const id = toAccept[nextAccept++];
    if (!id) throw new Error('ran out of open invitations to accept');
    return db.query(`UPDATE invitations SET status = 'accepted', updated_at = now() WHERE id = $1`, [id]);
  };
  let written = 0;
  const insertOne = () => {
    const rank = drawRank(opts.inviters, Math.random());
    const at = new Date();
    const inv: NewInvitation = {
      id: uuidv7(),
      inviterId: inviterId(rank),
      orgId: null,
      recipientEmail: `new.${++written}.${Math.random().toString(36).slice(2, 8)}@guests.example`,
      recipientName: '',
      relationship: isSupplierRank(rank, opts.inviters) ? 'past_client' : 'friend_family',
      channel: pick(['email', 'email', 'sms', 'whatsapp'] as const),
      status: 'queued',
      message: '',
      capturedAt: at.toISOString(),
      deviceId: 'bench',
      writeId: uuidv7(),
      deleted: false,
      countedAt: at,
      timeSource: 'server',
      variant: pick(['control', 'variant_a', 'variant_b']),
    };
    return insertInvitations(db, [inv]);
  };
  const setTrigger = (on: boolean) => db.query(`ALTER TABLE invitations ${on ? 'ENABLE' : 'DISABLE'} TRIGGER invitations_analytics`);
  const writes = { insertOn: [] as number[], insertOff: [] as number[], acceptOn: [] as number[], acceptOff: [] as number[] };
  for (let round = 0; round < WRITE_ROUNDS; round++) {
    say(`writes: round ${round + 1} of ${WRITE_ROUNDS} (${WRITES_PER_ROUND} inserts and ${WRITES_PER_ROUND} acceptances, trigger on then off)`);
    for (const on of [true, false]) {
      await setTrigger(on);
      (on ? writes.insertOn : writes.insertOff).push(...(await sample(WRITES_PER_ROUND, insertOne, WARMUP, compactIfDue)));
      (on ? writes.acceptOn : writes.acceptOff).push(...(await sample(WRITES_PER_ROUND, accept, WARMUP, compactIfDue)));
    }
  }
  await setTrigger(true);
  const signed = (ms: number) => `${ms < 0 ? '-' : '+'}${fmt(Math.abs(ms))}`;
  const extra = (on: number[], off: number[]) =>
    `extra ${signed(percentile(on, 50) - percentile(off, 50))} ms p50, ${signed(percentile(on, 99) - percentile(off, 99))} ms p99`;
  rows.push(latencyRow('insert one invitation, trigger on (counters kept)', writes.insertOn, extra(writes.insertOn, writes.insertOff)));
  rows.push(latencyRow('insert one invitation, trigger off', writes.insertOff));
  rows.push(latencyRow('accept one invitation, trigger on (counters kept)', writes.acceptOn, extra(writes.acceptOn, writes.acceptOff)));
  rows.push(latencyRow('accept one invitation, trigger off', writes.acceptOff));
  lines.push(`extra cost per write of the counters: insert ${extra(writes.insertOn, writes.insertOff)}; acceptance ${extra(writes.acceptOn, writes.acceptOff)}`);

  // --- Freshness: an acceptance, then K as a dashboard would read it.
  say(`freshness: ${FRESH_READS} × (accept + readWindow), ${refreshRuns} × (accept + refresh + read)…`);
  const freshCounters = await sample(
    FRESH_READS,
    async () => {
      await accept();
      return readWindow(db, 'all', '', w30);
    },
    WARMUP,
    compactIfDue,
  );
  rows.push(latencyRow('fresh K after an acceptance: counters (commit + readWindow)', freshCounters));
  const freshView = await sample(
    refreshRuns,
    async () => {
      await accept();
      await db.query('REFRESH MATERIALIZED VIEW viral_coefficient_cache');
      return db.query('SELECT * FROM viral_coefficient_cache');
    },
    0,
  );
  rows.push({ operation: 'fresh K after an acceptance: view (commit + REFRESH + read)', n: refreshRuns, totalMs: median(freshView), runsMs: freshView });
  // The same acceptance as a dashboard sees it: commit → the publisher's refresh → the socket.
  say(`dashboard path: ${DASHBOARD_ROUNDS} × (accept → platform K received by a watching Socket.IO client)…`);
  const acceptTouching = async () => {
    const id = toAccept[nextAccept++];
    if (!id) throw new Error('ran out of open invitations to accept');
    const [row] = await db.query<{ inviter_id: string; recipient_email: string }>(
      `UPDATE invitations SET status = 'accepted', updated_at = now() WHERE id = $1 RETURNING inviter_id, recipient_email`,
      [id],
    );
    return { inviterId: row!.inviter_id, email: row!.recipient_email };
  };
  const toDashboard = await dashboardPath(db, acceptTouching, inviterId(1), DASHBOARD_ROUNDS, WARMUP);
  rows.push({ ...latencyRow('acceptance → K on a connected dashboard (commit → socket, watching)', toDashboard, 'METRICS_COALESCE_MS 250; target < 1 s'), throughput: undefined });
  lines.push(`acceptance → K on a connected dashboard: p50 ${fmt(percentile(toDashboard, 50))} ms, p99 ${fmt(percentile(toDashboard, 99))} ms (the view: commit + REFRESH + read ${fmt(median(freshView))} ms, before any broadcast)`);
  const freshRatio = median(freshView) / percentile(freshCounters, 50);
  lines.push(`fresh K: counters ${fmt(percentile(freshCounters, 50))} ms vs view ${fmt(median(freshView))} ms (${Math.round(freshRatio).toLocaleString('en-US')}× faster)`);
  lines.push(`read K p99: counters ${fmt(percentile(readPlatform, 99))} ms (random windows and values ${fmt(Math.max(percentile(readRandom, 99), percentile(readValue, 99)))} ms) vs view ${fmt(percentile(viewReads, 99))} ms`);

  // --- The compaction job's runs during the writes above, and one more for what is left.
  const [pending] = await db.query<{ n: number }>(
    `SELECT ((SELECT count(*) FROM k_daily_delta) + (SELECT count(*) FROM k_reach_delta) + (SELECT count(*) FROM k_cycle_delta))::int AS n`,
  );
  const [moved, compactMs] = await timed(() => compactCounters(db));
  compactions.push(compactMs);
  rows.push({
    ...latencyRow(`compact deltas into the counters (k_compact, every ${COMPACT_EVERY_MS / 1000} s during the writes)`, compactions),
    throughput: undefined,
    note: `last run: ${pending!.n} delta rows, ${moved} counter rows touched`,
  });

  // --- Reads again, after the writes: deltas appended and compacted, their dead rows not yet vacuumed.
  say(`reads after the writes: ${READS} × readWindow, ${BREAKDOWN_READS} × readBreakdown(channel)…`);
  rows.push(latencyRow('read K after the writes: readWindow, platform, 30 days', await sample(READS, () => readWindow(db, 'all', '', w30))));
  rows.push(latencyRow('read K after the writes: readBreakdown by channel', await sample(BREAKDOWN_READS, () => readBreakdown(db, 'channel', randomWindow(today)))));
  const [dead] = await db.query<{ n: number }>(
    `SELECT coalesce(sum(n_dead_tup), 0)::int AS n FROM pg_stat_user_tables WHERE relname IN ('k_daily_delta', 'k_reach_delta', 'k_cycle_delta')`,
  );
  lines.push(`after the writes, the delta tables hold about ${dead!.n.toLocaleString('en-US')} dead rows (compacted away, not yet vacuumed)`);

  // --- Super-connectors.
  say('super-connectors: recompute everyone, then per-event updates…');
  const now = new Date();
  const [first, firstMs] = await timed(() => db.transaction((tx) => recomputeConnectors(tx, now)));
  rows.push({ operation: 'recomputeConnectors, first run (stores every tier, one event per change)', n: first.scored, totalMs: firstMs, note: `${first.changed} tiers changed` });
  const again = await sample(3, () => db.transaction((tx) => recomputeConnectors(tx, now)), 0);
  rows.push({ operation: 'recomputeConnectors, again (nothing changed)', n: first.scored, totalMs: median(again), runsMs: again });
  const [connectorCount] = await db.query<{ suppliers: number }>(`SELECT count(*)::int AS suppliers FROM connector_stats`);
  const supplierIds = (await db.query<{ id: string }>(`SELECT supplier_id AS id FROM connector_stats ORDER BY random() LIMIT $1`, [CONNECTOR_UPDATES])).map((r) => r.id);
  const perEvent = await sample(supplierIds.length, (i) => db.transaction((tx) => updateConnectors(tx, [supplierIds[Math.max(0, i)]!], now)));
  rows.push(latencyRow('updateConnectors, one supplier (per event, own transaction)', perEvent, `of ${connectorCount!.suppliers.toLocaleString('en-US')} suppliers with connections`));

  console.log('');
  for (const line of lines) console.log(line);
  return rows;
}

const EXPLAINS = 20;

/** Planning and execution time of the one query `read` sends, from EXPLAIN ANALYZE (medians). */
async function serverTime(db: Db, read: (q: Queryable) => Promise<unknown>): Promise<{ planning: number; execution: number }> {
  let sent: { sql: string; params?: unknown[] } | undefined;
  await read({ query: async (sql, params) => ((sent = { sql, params }), []), exec: async () => undefined });
  const planning: number[] = [];
  const execution: number[] = [];
  for (let i = 0; i < EXPLAINS; i++) {
    const [row] = await db.query<{ 'QUERY PLAN': [{ 'Planning Time': number; 'Execution Time': number }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sent!.sql}`, sent!.params);
    planning.push(row!['QUERY PLAN'][0]['Planning Time']);
    execution.push(row!['QUERY PLAN'][0]['Execution Time']);
  }
  return { planning: median(planning), execution: median(execution) };
}

/** Ids of open invitations of the last 30 days to accept, sampled from the table's pages, shuffled. */
async function openInvitations(db: Db, n: number, need: number): Promise<string[]> {
  const percent = Math.min(100, (need * 2000) / n);
  const ids = (
    await db.query<{ id: string }>(
      `SELECT id FROM invitations TABLESAMPLE SYSTEM ($1)
        WHERE status IN ('sent', 'delivered', 'opened') AND NOT deleted AND counted_at > now() - interval '29 days'`,
      [percent],
    )
  ).map((r) => r.id);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids.slice(0, need);
}
