/**
 * Webhook fan-out (issue 7: "≥ 500 deliveries/s to a local receiver with 4 workers"). On
 * DATABASE_URL's PostgreSQL (or PGlite): N events are recorded in one statement (the trigger
 * queues one delivery per subscribed endpoint in the same transaction), then 4 workers deliver
 * them, signed, to a receiver in this process that answers 200. Reported: the enqueue, and the
 * deliveries per second from the first claim to the last recorded result, with each attempt's
 * latency (request to answer) at p50 and p99. Then the marketing feed's delay on a real server
 * (feedLatency).
 */
import { v7 as uuidv7 } from 'uuid';
import { createLogger } from '../log';
import { freshDb } from '../test/databases';
import { addUser, TEST_PASSWORD } from '../test/fixtures';
import { newInvitation, startTestServer } from '../test/server';
import { eventually, startReceiver } from '../webhooks/testReceiver';
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

/**
 * The marketing feed's delay as a subscriber sees it: a real server (demo off, default
 * METRICS_TOUCHED_MS and WEBHOOK_POLL_MS), a supplier invites a couple who accepts; timed from
 * the acceptance push's response to the receiver getting that couple's Newly Referred
 * segment.membership_changed. So it includes the publisher's touched pass (coalescing, the
 * segment evaluation, the event's commit) and the webhook workers' poll and send. One
 * acceptance at a time, a random 50–150 ms apart.
 */
async function feedLatency(n = 40): Promise<Row> {
  const receiver = await startReceiver(() => 'ok');
  // Fraud rules would (rightly) stop one supplier's burst of invitations to brand-new couples; not what is measured here.
  const server = await startTestServer({ demo: false, env: { TEST_FRAUD_GATE: 'off' } });
  try {
    const { db } = server.testDb;
    await addUser(db, { id: 'u-bench-owner', email: 'owner@feed.bench', role: 'owner' });
    await addUser(db, { id: 'u-bench-venue', email: 'venue@feed.bench', role: 'supplier', orgId: 'org-bench' });
    const owner = await server.as('owner@feed.bench', TEST_PASSWORD);
    const venue = await server.as('venue@feed.bench', TEST_PASSWORD);
    const made = await owner.post('/api/webhooks/endpoints', { url: receiver.url('/feed'), eventTypes: ['segment.membership_changed'], segmentIds: ['newly-referred'], description: 'bench' });
    if (made.status !== 201) throw new Error(`endpoint refused: ${made.status} ${JSON.stringify(made.body)}`);
    const joinedAt = (userId: string) =>
      receiver.received.find((r) => {
        const event = JSON.parse(r.body) as { data?: { userId?: string; change?: string } };
        return event.data?.userId === userId && event.data.change === 'joined';
      })?.at;
    const delays: number[] = [];
    for (let i = 0; i < n; i++) {
      const email = `couple-${i}@feed.bench`;
      await addUser(db, { id: `u-bench-couple-${i}`, email, role: 'couple' });
      const couple = await server.as(email, TEST_PASSWORD);
      const invitation = newInvitation('u-bench-venue', { recipientEmail: email });
      const sent = await venue.push('invitations', [{ newDocumentState: invitation }]);
      if (sent.body?.results?.[0]?.outcome !== 'applied') throw new Error(`invitation refused: ${JSON.stringify(sent.body)}`);
      const accept = { id: uuidv7(), type: 'invitation.accepted', invitationId: invitation.id, capturedAt: new Date().toISOString(), deviceId: 'bench' };
      const accepted = await couple.push('viral_events', [{ newDocumentState: accept }]);
      const answeredAt = Date.now();
      if (accepted.body?.results?.[0]?.outcome !== 'applied') throw new Error(`acceptance refused: ${JSON.stringify(accepted.body)}`);
      const at = await eventually(`the join of couple ${i}`, () => joinedAt(`u-bench-couple-${i}`), 30_000);
      delays.push(at - answeredAt);
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
    return {
      operation: 'feed: acceptance push answered → segment.joined webhook received',
      n,
      p50Ms: percentile(delays, 50),
      p99Ms: percentile(delays, 99),
      note: `${server.testDb.engine}; METRICS_TOUCHED_MS 200, WEBHOOK_POLL_MS 250; target < 1 s`,
    };
  } finally {
    await server.close();
    await receiver.close();
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
