/**
 * The `sync` suite: PlusOne's replication side by side with PouchDB → express-pouchdb, on the
 * same invitation documents and the same machine, in one run (DESIGN §7):
 * - initial sync: an empty client pulls `docs` (10,000) documents to completion;
 * - drain: a client holding `drain` (1,000) new local documents pushes them to a server that
 *   already holds `docs`.
 * Each is repeated `runs` (3) times on fresh state; the table shows the median and every run,
 * and, when PlusOne's measurement is plugged in, the ratio PouchDB time / PlusOne time.
 *
 * Anchor measured earlier on this kind of machine (PouchDB 9 → express-pouchdb 4.2, leveldb
 * server, in-memory client): initial sync 2.4–5.3 s, drain 0.35–1.1 s.
 *
 * Quick runs: BENCH_DOCS, BENCH_DRAIN and BENCH_RUNS override the sizes.
 */
import { createRequire } from 'node:module';
import PouchDB, { type Database } from 'pouchdb-node';
import memoryAdapter from 'pouchdb-adapter-memory';
import { benchInvitations } from './invitations';
import { startPouchServer, type PouchServer } from './pouchdbServer';
import { measurePlusOne } from './plusoneSync';
import { median, type Row, type Suite } from './table';

/** One PlusOne measurement: an initial sync of `docs` and a drain of `drain`, in ms. */
export interface PlusOneSyncTimings {
  initialSyncMs: number;
  drainMs: number;
  /** Every acceptance (P0) reached the server before any new invitation. */
  p0First?: boolean;
}

export interface PouchDBTimings {
  /** Each run's wall time, in order. */
  initialSyncMs: number[];
  drainMs: number[];
  initialCpu: CpuMs[];
  drainCpu: CpuMs[];
}

export interface SyncBenchOptions {
  docs: number;
  drain: number;
  runs: number;
  /**
   * ▶ PLUSONE PLUGS IN HERE. One call = one fresh measurement of PlusOne's replication on the
   * same sizes (`docs` pulled into an empty client; `drain` queued actions pushed to a server
   * holding `docs`), documents from `benchInvitations()` (./invitations.ts). Called `runs`
   * times; the table shows the medians and the ratios. Leave undefined for the baseline only.
   */
  plusone?: () => Promise<PlusOneSyncTimings>;
}

const SEED_SERVER = 1;
const SEED_DRAIN = 1000;
const INITIAL_ANCHOR = 'anchor 2.4–5.3 s';
const DRAIN_ANCHOR = 'anchor 0.35–1.1 s';

const ClientPouch = PouchDB.plugin(memoryAdapter);
let clientCount = 0;

function newClient(): Database {
  return new ClientPouch(`plusone-bench-client-${process.pid}-${++clientCount}`, { adapter: 'memory' });
}

/** CPU time (user + system, ms) each side used during one run: wall time alone swells on a busy machine. */
export interface CpuMs {
  client: number;
  server: number;
}

async function timed(server: PouchServer, cpu: CpuMs[], work: () => PromiseLike<unknown>): Promise<number> {
  const serverBefore = await server.cpuMs();
  const clientBefore = process.cpuUsage();
  const start = performance.now();
  await work();
  const ms = performance.now() - start;
  const { user, system } = process.cpuUsage(clientBefore);
  cpu.push({ client: (user + system) / 1000, server: (await server.cpuMs()) - serverBefore });
  return ms;
}

/**
 * PouchDB 9 replicating to express-pouchdb 4.2 (LevelDB, child process, loopback) from an
 * in-memory PouchDB client, with PouchDB's default replication options (batch_size 100,
 * batches_limit 10, checkpoints on).
 */
export async function pouchdbBaseline({ docs, drain, runs = 3 }: { docs: number; drain: number; runs?: number }): Promise<PouchDBTimings> {
  const server = await startPouchServer();
  const out: PouchDBTimings = { initialSyncMs: [], drainMs: [], initialCpu: [], drainCpu: [] };
  try {
    const seeded = await server.seed('invitations', docs, SEED_SERVER);
    if (seeded !== docs) throw new Error(`the server holds ${seeded} documents, expected ${docs}`);
    for (let run = 0; run < runs; run++) {
      const client = newClient();
      const remote = new ClientPouch(`${server.url}invitations`);
      try {
        const ms = await timed(server, out.initialCpu, async () => {
          const result = await ClientPouch.replicate(remote, client);
          if (result.docs_written !== docs) throw new Error(`initial sync wrote ${result.docs_written} of ${docs}`);
        });
        const held = (await client.info()).doc_count;
        if (held !== docs) throw new Error(`the client holds ${held} documents after the initial sync, expected ${docs}`);
        out.initialSyncMs.push(ms);
      } finally {
        await remote.close();
        await client.destroy();
      }
    }

    for (let run = 0; run < runs; run++) {
      const name = `drain-${run}`;
      await server.seed(name, docs, SEED_SERVER);
      const client = newClient();
      const remote = new ClientPouch(`${server.url}${name}`);
      try {
        const queued = benchInvitations(drain, SEED_DRAIN + run, Date.UTC(2025, 6, 1));
        await client.bulkDocs(queued);
        const ms = await timed(server, out.drainCpu, async () => {
          const result = await ClientPouch.replicate(client, remote);
          if (result.docs_written !== drain) throw new Error(`drain wrote ${result.docs_written} of ${drain}`);
        });
        const held = (await remote.info()).doc_count;
        if (held !== docs + drain) throw new Error(`the server holds ${held} documents after the drain, expected ${docs + drain}`);
        out.drainMs.push(ms);
      } finally {
        await remote.close();
        await client.destroy();
        await server.drop(name);
      }
    }
  } finally {
    await server.close();
  }
  return out;
}

function timingRow(operation: string, n: number, runsMs: number[], note?: string): Row {
  const mid = median(runsMs);
  return { operation, n, totalMs: mid, throughput: (n * 1000) / mid, runsMs, ...(note ? { note } : {}) };
}

function cpuNote(cpu: CpuMs[], anchor: string): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return `median cpu: client ${s(median(cpu.map((c) => c.client)))}, server ${s(median(cpu.map((c) => c.server)))}; ${anchor}`;
}

function ratioRow(operation: string, n: number, pouchMs: number, plusoneMs: number, target: string): Row {
  return { operation, n, note: `${(pouchMs / plusoneMs).toFixed(1)}× (${target})` };
}

function installed(pkg: string): string {
  try {
    return `${pkg} ${(createRequire(import.meta.url)(`${pkg}/package.json`) as { version: string }).version}`;
  } catch {
    return `${pkg} ?`;
  }
}

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

export function syncSuite(options: SyncBenchOptions): Suite {
  const { docs, drain, runs, plusone } = options;
  return {
    name: 'sync',
    about: [
      `PouchDB side: ${installed('pouchdb-node')} + ${installed('pouchdb-adapter-memory')} client (in-memory, this process) → ` +
        `${installed('express-pouchdb')} (minimumForPouchDB) on leveldb, child process, 127.0.0.1`,
      `median of ${runs} runs, fresh client (and for the drain a fresh server database) each run`,
      plusone ? 'PlusOne side: plugged in' : 'PlusOne side: not plugged in yet (server/bench/sync.ts, `plusone`)',
    ],
    async run() {
      const pouch = await pouchdbBaseline({ docs, drain, runs });
      const rows: Row[] = [
        timingRow('PouchDB initial sync (pull into empty client)', docs, pouch.initialSyncMs, cpuNote(pouch.initialCpu, INITIAL_ANCHOR)),
        timingRow(`PouchDB drain (push into server of ${docs.toLocaleString('en-US')})`, drain, pouch.drainMs, cpuNote(pouch.drainCpu, DRAIN_ANCHOR)),
      ];
      if (!plusone) return rows;
      const own: PlusOneSyncTimings[] = [];
      for (let run = 0; run < runs; run++) own.push(await plusone());
      const initial = own.map((t) => t.initialSyncMs);
      const drained = own.map((t) => t.drainMs);
      rows.push(
        timingRow('PlusOne initial sync (pull into empty client)', docs, initial, 'target ≥ 5× faster than PouchDB'),
        timingRow(`PlusOne drain (push into server of ${docs.toLocaleString('en-US')})`, drain, drained,
          `target < 500 ms; P0 first in ${own.filter((t) => t.p0First).length} of ${own.length} runs`),
        ratioRow('ratio initial sync, PouchDB / PlusOne', docs, median(pouch.initialSyncMs), median(initial), 'target ≥ 5×'),
        ratioRow('ratio drain, PouchDB / PlusOne', drain, median(pouch.drainMs), median(drained), 'higher is better'),
      );
      return rows;
    },
  };
}

export const sync = syncSuite({
  docs: envInt('BENCH_DOCS', 10_000),
  drain: envInt('BENCH_DRAIN', 1_000),
  runs: envInt('BENCH_RUNS', 3),
  plusone: () => measurePlusOne({ docs: envInt('BENCH_DOCS', 10_000), drain: envInt('BENCH_DRAIN', 1_000) }),
});
