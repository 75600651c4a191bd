/**
 * Webhook fan-out (issue 7: "≥ 500 deliveries/s to a local receiver with 4 workers"). On
 * DATABASE_URL's PostgreSQL (or PGlite): N events are recorded in one statement (the trigger
 * queues one delivery per subscribed endpoint in the same transaction), then 4 workers deliver
 * them, signed, to a receiver in this process that answers 200. Reported: the enqueue, and the
 * deliveries per second from the first claim to the last recorded result, with each attempt's
 * latency (request to answer) at p50 and p99.
 */
import { createLogger } from '../log';
import { freshDb } from '../test/databases';
import { startReceiver } from '../webhooks/testReceiver';
import { createEndpoint } from '../webhooks/store';
import { WebhookWorkers } from '../webhooks/worker';
import { percentile, type Row, type Suite } from './table';

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 5000);
const WORKERS = Number(process.env.BENCH_WEBHOOK_WORKERS ?? 4);

async function scenario(endpointCount: number): Promise<Row[]> {
  const testDb = await freshDb();
  const { db } = testDb;
  const receiver = await startReceiver(() => 'ok', { keep: false });
  const workers = new WebhookWorkers(db, { workers: WORKERS, pollMs: 20, timeoutMs: 10_000, disableAfterDays: 5 }, createLogger('silent'));
  try {
    for (let i = 0; i < endpointCount; i++) {
      await createEndpoint(db, { url: receiver.url(`/hook-${i}`), description: '', eventTypes: ['connector.tier_changed'], segmentIds: null }, null);
    }
    const total = EVENTS * endpointCount;
    const started = performance.now();
    await db.query(
      `INSERT INTO viral_events (id, type, data, captured_at, counted_at, time_source, rev, txid)
       SELECT ('0190a5a0-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, 'connector.tier_changed',
              jsonb_build_object('from', 'silver', 'to', 'gold', 'score', 512, 'connections', 40, 'successes', 12), now(), now(), 'server',
              nextval('plusone_rev'), plusone_txid()
         FROM generate_series(1, $1) AS i`,
      [EVENTS],
    );
    const enqueueMs = performance.now() - started;
    const [{ n: queued } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_deliveries');
    if (queued !== total) throw new Error(`expected ${total} deliveries queued, found ${queued}`);

    const deliverStarted = performance.now();
    workers.start();
    for (;;) {
      const [{ n } = { n: 0 }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending'");
      if (n === 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const deliverMs = performance.now() - deliverStarted;
    await workers.stop();
    const latencies = (await db.query<{ ms: number }>('SELECT latency_ms AS ms FROM webhook_attempts')).map((r) => r.ms);
    const [{ failed } = { failed: 0 }] = await db.query<{ failed: number }>("SELECT count(*)::int AS failed FROM webhook_attempts WHERE NOT ok");
    const label = `${endpointCount} endpoint${endpointCount > 1 ? 's' : ''}`;
    return [
      { operation: `enqueue ${EVENTS} events → ${label} (trigger)`, n: total, totalMs: enqueueMs, throughput: (total / enqueueMs) * 1000 },
      {
        operation: `deliver → ${label}, ${WORKERS} workers`,
        n: total,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        totalMs: deliverMs,
        throughput: (total / deliverMs) * 1000,
        note: `${testDb.engine}; ${failed} failed attempts; target ≥ 500/s`,
      },
    ];
  } finally {
    await workers.stop();
    await receiver.close();
    await testDb.drop();
  }
}

/** The marketing feed's delay: one event at a time, committed → received, with idle workers polling every 250 ms (the default). */
async function feedLatency(n = 40): Promise<Row> {
  const testDb = await freshDb();
  const { db } = testDb;
  const receiver = await startReceiver(() => 'ok');
  const workers = new WebhookWorkers(db, { workers: WORKERS, pollMs: 250, timeoutMs: 10_000, disableAfterDays: 5 }, createLogger('silent'));
  try {
    await createEndpoint(db, { url: receiver.url('/feed'), description: '', eventTypes: ['segment.membership_changed'], segmentIds: null }, null);
    workers.start();
    const committed = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const [row] = await db.query<{ id: string }>(
        `INSERT INTO viral_events (id, type, data, captured_at, counted_at, time_source, rev, txid)
         VALUES (gen_random_uuid(), 'segment.joined', '{"segmentId":"newly-referred","segmentName":"Newly Referred"}', now(), now(), 'server',
                 nextval('plusone_rev'), plusone_txid()) RETURNING id`,
      );
      committed.set(row!.id, Date.now());
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
    while (receiver.received.length < n) await new Promise((r) => setTimeout(r, 20));
    const delays = receiver.received.map((r) => r.at - committed.get(String(r.headers['webhook-id']))!);
    return { operation: 'feed: segment change committed → received', n, p50Ms: percentile(delays, 50), p99Ms: percentile(delays, 99), note: `${testDb.engine}; WEBHOOK_POLL_MS 250; target < 1 s` };
  } finally {
    await workers.stop();
    await receiver.close();
    await testDb.drop();
  }
}

export const webhooks: Suite = {
  name: 'webhooks',
  about: [
    `${EVENTS} events fanned out to 1 and to 4 endpoints of a local receiver; ${WORKERS} workers, 25 deliveries a claim, each signed (Standard Webhooks)`,
    `p50/p99: one attempt (request to answer); throughput: deliveries per second, first claim to last result (BENCH_WEBHOOK_EVENTS, BENCH_WEBHOOK_WORKERS)`,
  ],
  async run(): Promise<Row[]> {
    return [...(await scenario(1)), ...(await scenario(4)), await feedLatency()];
  },
};
