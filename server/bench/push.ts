/**
 * Push throughput with the no-skip guard on (issue: "one row p99 < 20 ms at 200 pushes/s;
 * batched ≥ 10,000 rows/s"). A real server on DATABASE_URL's PostgreSQL (or PGlite), 50
 * signed-in suppliers taking turns (one supplier's own pushes queue on their per-inviter
 * counters, as two tabs of one person would; a platform's load comes from many people), HTTP on
 * loopback:
 *  - paced: single-row pushes started at a fixed rate (open loop), latency of each;
 *  - batched: 100-row pushes back to back from 4 concurrent senders, rows per second.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { seedDemo } from '../demo/seed';
import { addUser, TEST_PASSWORD } from '../test/fixtures';
import { createLogger } from '../log';
import { freshDb } from '../test/databases';
import { percentile, type Row, type Suite } from './table';

const execFileAsync = promisify(execFile);

const RATE = Number(process.env.BENCH_PUSH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_PUSH_SECONDS ?? 10);
const BATCHES = Number(process.env.BENCH_PUSH_BATCHES ?? 200);
const SENDERS = 50;


export const push: Suite = {
  name: 'push',
  about: [`paced: ${RATE} single-row pushes/s for ${SECONDS} s; batched: ${BATCHES} pushes of 100 rows, 4 at a time`],
  async run(): Promise<Row[]> {
    const testDb = await freshDb();
    await seedDemo(testDb.db, { scale: 0.05 });
    const app = createApp({ config: loadConfig({ LOG_LEVEL: 'silent', STATIC_DIR: '/nonexistent', METRICS_COALESCE_MS: process.env.METRICS_COALESCE_MS ?? '250', DELIVERY_WORKERS: '0', TEST_RATE_LIMITS: 'off' }), db: testDb.db, log: createLogger('silent') });
    const base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
    const senders: { userId: string; cookie: string }[] = [];
    for (let i = 0; i < SENDERS; i++) {
      const userId = `u-bench-${i}`;
      await addUser(testDb.db, { id: userId, email: `${userId}@bench.plusone`, role: 'supplier', orgId: `org-bench-${i}` });
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-plusone-csrf': '1' },
        body: JSON.stringify({ email: `${userId}@bench.plusone`, password: TEST_PASSWORD }),
      });
      senders.push({ userId, cookie: login.headers.get('set-cookie')!.split(';')[0]! });
    }
    try {
      // The load comes from another process, so client work does not stall the server's loop.
      const { stdout } = await execFileAsync(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(new URL('./pushSender.ts', import.meta.url)), JSON.stringify({ base, senders, rate: RATE, seconds: SECONDS, batches: BATCHES })],
        { encoding: 'utf8', maxBuffer: 64 << 20 },
      );
      const { latencies, pacedMs, batchMs } = JSON.parse(stdout.trim().split('\n').pop()!) as { latencies: number[]; pacedMs: number; batchMs: number };
      const total = RATE * SECONDS;
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
