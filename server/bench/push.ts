/**
 * Push throughput with the no-skip guard on (issue: "one row p99 < 20 ms at 200 pushes/s;
 * batched ≥ 10,000 rows/s"). A real server on DATABASE_URL's PostgreSQL (or PGlite), one
 * signed-in supplier, HTTP on loopback:
 *  - paced: single-row pushes started at a fixed rate (open loop), latency of each;
 *  - batched: 100-row pushes back to back from 4 concurrent senders, rows per second.
 */
import { createApp } from '../app';
import { loadConfig } from '../config';
import { DEMO_PASSWORD, seedDemo } from '../demo/seed';
import { createLogger } from '../log';
import { freshDb } from '../test/databases';
import { newInvitation } from '../test/server';
import type { Row, Suite } from './table';

const RATE = Number(process.env.BENCH_PUSH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_PUSH_SECONDS ?? 10);
const BATCHES = Number(process.env.BENCH_PUSH_BATCHES ?? 200);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export const push: Suite = {
  name: 'push',
  about: [`paced: ${RATE} single-row pushes/s for ${SECONDS} s; batched: ${BATCHES} pushes of 100 rows, 4 at a time`],
  async run(): Promise<Row[]> {
    const testDb = await freshDb();
    await seedDemo(testDb.db, { scale: 0.05 });
    const app = createApp({ config: loadConfig({ LOG_LEVEL: 'silent', STATIC_DIR: '/nonexistent' }), db: testDb.db, log: createLogger('silent') });
    const base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ritz@demo.plusone', password: DEMO_PASSWORD }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const send = async (n: number) => {
      const rows = Array.from({ length: n }, () => ({ newDocumentState: newInvitation('u-ritz'), assumedMasterState: null }));
      const res = await fetch(`${base}/api/sync/invitations/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-plusone-protocol': '1' },
        body: JSON.stringify({ rows }),
      });
      if (!res.ok) throw new Error(`push answered ${res.status}`);
      await res.arrayBuffer();
    };
    try {
      await send(1); // warm up
      const latencies: number[] = [];
      const total = RATE * SECONDS;
      const started = performance.now();
      const inFlight: Promise<void>[] = [];
      for (let i = 0; i < total; i++) {
        const due = started + (i * 1000) / RATE;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const t = performance.now();
        inFlight.push(send(1).then(() => void latencies.push(performance.now() - t)));
      }
      await Promise.all(inFlight);
      const pacedMs = performance.now() - started;
      latencies.sort((a, b) => a - b);

      const batchStart = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < BATCHES) {
            next++;
            await send(100);
          }
        }),
      );
      const batchMs = performance.now() - batchStart;
      return [
        { operation: `paced single-row push at ${RATE}/s`, n: total, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), totalMs: pacedMs, throughput: (total / pacedMs) * 1000, note: `target p99 < 20 ms (${testDb.engine})` },
        { operation: 'batched push, 100 rows per request', n: BATCHES * 100, totalMs: batchMs, throughput: ((BATCHES * 100) / batchMs) * 1000, note: 'target ≥ 10,000 rows/s' },
      ];
    } finally {
      await app.close();
      await testDb.drop();
    }
  },
};
