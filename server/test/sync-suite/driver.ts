/**
 * The randomized convergence suite (SPEC: the whole protocol). Several devices run the real
 * client sync code in worker threads against a real server and database: random offline
 * periods, concurrent edits of the same invitation from two devices of one supplier,
 * acceptances, lost, duplicated and delayed answers, dropped sockets, a server restart in the
 * middle, clocks off by up to an hour, and commits held open for a random while so concurrent
 * writers commit out of order. Then every device settles and the oracle checks the result.
 * The seed fixes the sequence of operations; thread and network timing still vary between runs.
 */
import { createApp, type PlusOneApp } from '../../app';
import { loadConfig } from '../../config';
import { DEMO_PASSWORD, seedDemo } from '../../demo/seed';
import type { FaultName } from '../../faults';
import { createLogger } from '../../log';
import { createRng } from '../../../shared/random';
import { freshDb, type Engine } from '../databases';
import { SuiteClient } from './clients';
import { checkRun, type Viewer } from './oracle';
import type { ClientOp } from './protocol';

export interface SuiteOptions {
  seed: number;
  ops: number;
  engine?: Engine;
  faults?: FaultName[];
  commitDelayMs?: number;
  /** Under chaos, the share of live events a device loses (default 0.2). */
  liveEventLoss?: number;
  /** Share of operations that toggle chaos on rather than off (default 0.7). */
  chaosBias?: number;
  log?: (line: string) => void;
}

export interface SuiteResult {
  seed: number;
  ops: number;
  problems: string[];
  durationMs: number;
  counts: Record<string, number>;
}

const DEVICES = [
  { name: 'ritz-tablet', email: 'ritz@demo.plusone', skew: 0 },
  { name: 'ritz-phone', email: 'ritz@demo.plusone', skew: 3600_000 },
  { name: 'photo', email: 'photo@demo.plusone', skew: -1800_000 },
  { name: 'couple', email: 'couple@demo.plusone', skew: 120_000 },
  { name: 'coordinator', email: 'coordinator@demo.plusone', skew: 0 },
];

function pickOp(rng: ReturnType<typeof createRng>, device: string, chaosBias: number): ClientOp {
  const r = rng.next();
  if (device === 'couple') {
    if (r < 0.45) return { op: 'accept' };
    if (r < 0.6) return { op: 'open' };
  }
  if (r < 0.08) return { op: rng.chance(0.5) ? 'offline' : 'online' };
  if (r < 0.1) return { op: 'chaos', on: rng.chance(chaosBias) };
  if (r < 0.55) return { op: 'create', recipientEmail: rng.chance(0.3) ? 'couple@demo.plusone' : `guest${rng.int(0, 500)}@guests.example` };
  if (r < 0.9) return { op: 'edit' };
  return { op: 'cancel' };
}

export async function runSyncSuite(opts: SuiteOptions): Promise<SuiteResult> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const rng = createRng(opts.seed);
  const testDb = await freshDb(opts.engine);
  await seedDemo(testDb.db, { scale: 0.05, seed: opts.seed });
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    STATIC_DIR: '/nonexistent',
    METRICS_COALESCE_MS: '50',
    TEST_RATE_LIMITS: 'off',
    TEST_FAULTS: (opts.faults ?? []).join(','),
    TEST_COMMIT_DELAY_MS: String(opts.commitDelayMs ?? (testDb.engine === 'postgres' ? 30 : 0)),
  });
  const start = async (port: number): Promise<[PlusOneApp, number]> => {
    const app = createApp({ config, db: testDb.db, log: createLogger('silent') });
    return [app, await app.listen(port, '127.0.0.1')];
  };
  let [app, port] = await start(0);
  const baseUrl = `http://127.0.0.1:${port}`;
  const clients = DEVICES.map(
    (d, i) => new SuiteClient({ baseUrl, email: d.email, password: DEMO_PASSWORD, name: d.name, seed: opts.seed * 31 + i, clockSkewMs: d.skew, liveEventLoss: opts.liveEventLoss ?? 0.2 }),
  );
  const counts: Record<string, number> = {};
  try {
    await Promise.all(clients.map((c) => c.ready));
    log(`sync suite: seed ${opts.seed}, ${opts.ops} operations, ${clients.length} devices, ${testDb.engine}${opts.faults?.length ? `, faults ${opts.faults.join(',')}` : ''}`);
    const inFlight: Promise<unknown>[] = [];
    const restartAt = Math.floor(opts.ops / 2);
    for (let i = 0; i < opts.ops; i++) {
      if (i === restartAt) {
        // A server restart mid-run: pushes in flight fail or complete; clients retry.
        await app.close();
        [app] = await start(port);
        log('server restarted');
      }
      const at = rng.int(0, clients.length - 1);
      const op = pickOp(rng, DEVICES[at]!.name, opts.chaosBias ?? 0.7);
      counts[op.op] = (counts[op.op] ?? 0) + 1;
      inFlight.push(clients[at]!.op(op));
      if (inFlight.length >= 16) await inFlight.shift();
      if (i > 0 && i % 2000 === 0) log(`  ${i} operations`);
    }
    await Promise.all(inFlight);
    log('settling');
    const unsettled: string[] = [];
    const settleAll = async () => {
      const outcomes = await Promise.allSettled(clients.map((c) => c.settle()));
      outcomes.forEach((o, i) => o.status === 'rejected' && unsettled.push(`${DEVICES[i]!.name}: ${String(o.reason).split('\n')[0]}`));
    };
    await settleAll();
    // Once everyone has pushed, pull once more so each device holds everyone's last writes.
    await settleAll();
    const viewers = await Promise.all(
      clients.map(async (c, i) => {
        const [u] = await testDb.db.query<{ id: string; email: string; role: string; org_id: string | null }>(
          'SELECT id, email, role, org_id FROM users WHERE email = $1',
          [DEVICES[i]!.email],
        );
        return { userId: u!.id, email: u!.email, role: u!.role, orgId: u!.org_id } satisfies Viewer;
      }),
    );
    let problems: string[] = [];
    // Rows held back for an older transaction arrive a moment later: look again a few times.
    for (let attempt = 0; attempt < 5; attempt++) {
      const snapshots = await Promise.all(clients.map((c) => c.snapshot()));
      problems = [...unsettled, ...(await checkRun(testDb.db, clients.map((c, i) => ({ name: DEVICES[i]!.name, viewer: viewers[i]!, snapshot: snapshots[i]! }))))];
      if (problems.length === 0) break;
      unsettled.length = 0;
      await settleAll();
    }
    return { seed: opts.seed, ops: opts.ops, problems, durationMs: Date.now() - started, counts };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await app.close();
    await testDb.drop();
  }
}
