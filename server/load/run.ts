/**
 * `npm run load -- --users <n> --seconds <s> [--servers 2] [--url <base>[,<base>]] [--rate 200]`
 *
 * N simulated people, each a real Socket.IO client in the rooms their screen joins, while a
 * child process pushes invitations and acceptances over HTTP at the set rate; then a bare
 * Socket.IO broadcast to as many sockets, the floor. Without --url it makes a fresh PostgreSQL
 * database at DATABASE_URL and starts 1 or 2 real servers (`server/main.ts`; two share Redis at
 * REDIS_URL, default the local one, through the Socket.IO adapter); clients connect over
 * WebSocket only, round-robin over the servers, so no sticky sessions are needed. With --url
 * the servers are yours, and DATABASE_URL must be their database (the run's people are added
 * to it). Delivery workers are off in the servers it starts: sending is not what is measured.
 * Loopback only, bounded in sockets and seconds (args.ts). Prints a table, then one line:
 * load: sockets=<n> pushes_per_s=<x> change_p99_ms=<x> metrics_p99_ms=<x> push_p99_ms=<x> baseline_broadcast_p99_ms=<x> errors=<n>
 */
import { randomBytes } from 'node:crypto';
import { formatRows, type Row } from '../bench/table';
import { load, say, startClock } from '../bench/measure';
import type { Db } from '../db/db';
import { openPostgres } from '../db/postgres';
import { freshDb, type TestDb } from '../test/databases';
import { LoadArgsError, parseLoadArgs, type LoadArgs } from './args';
import type { ClientSpec, Collected } from './clients';
import { forkChild, startServer, type Child, type ServerProcess } from './processes';
import type { PushTimes } from './pusher';
import { kLatencies, lastLine, latency, mergeChanges } from './report';
import { insertLoadUsers } from './users';

/** Sockets per client process: well under the 20,000 descriptors one process may hold. */
const SOCKETS_PER_CLIENT_PROCESS = 5_000;
const FLOOR_BROADCASTS = 20;

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const concat = (parts: Float64Array[]) => parts.flatMap((p) => Array.from(p));

async function openSockets(clients: Child[], specs: ClientSpec[]): Promise<number> {
  const results = await Promise.all(
    clients.map((c, k) => c.ask<{ opened: number; failed: number; firstError: string }>('open', { specs: specs.filter((_, i) => i % clients.length === k), concurrency: 100 })),
  );
  const failed = results.reduce((n, r) => n + r.failed, 0);
  if (failed) say(`${failed} sockets could not connect: ${results.find((r) => r.firstError)?.firstError}`);
  return failed;
}

async function main(args: LoadArgs) {
  startClock();
  const loadBefore = load();
  say(`${args.users} sockets, ${args.servers} server process(es), ${args.rate} pushes/s for ${args.seconds} s; load ${loadBefore}`);
  if (!process.env.DATABASE_URL) throw new LoadArgsError('DATABASE_URL must name a PostgreSQL (the tool makes a fresh database there, or, with --url, adds its people to that database)');
  const runId = randomBytes(3).toString('hex');
  let testDb: TestDb | undefined;
  let db: Db;
  if (args.urls.length) db = openPostgres(process.env.DATABASE_URL, 2);
  else db = (testDb = await freshDb('postgres')).db;
  const servers: ServerProcess[] = [];
  const children: Child[] = [];
  try {
    const users = await insertLoadUsers(db, args.users, runId);
    let urls = args.urls;
    if (!urls.length) {
      const env: Record<string, string> = { DATABASE_URL: testDb!.url!, DELIVERY_WORKERS: '0' };
      if (args.servers === 2) env.REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
      for (let i = 0; i < args.servers; i++) servers.push(await startServer(env));
      urls = servers.map((s) => s.url);
    }
    say(`servers at ${urls.join(', ')}; ${users.length} people and sessions written`);

    const clients = Array.from({ length: Math.ceil(args.users / SOCKETS_PER_CLIENT_PROCESS) }, () => forkChild('clients'));
    const pusher = forkChild('pusher');
    children.push(...clients, pusher);
    const specs = users.map((u, i) => ({ url: urls[i % urls.length]!, cookie: u.cookie, dashboard: u.role === 'owner' }));
    let errors = await openSockets(clients, specs);
    say(`${args.users - errors} sockets connected (${specs.filter((s) => s.dashboard).length} dashboards); load ${load()}`);

    const coordinated = new Set(users.filter((u) => u.role === 'coordinator').map((u) => u.orgId));
    const inviters = users.filter((u) => u.role === 'supplier').map((u) => ({ id: u.id, email: u.email, cookie: u.cookie, expected: 2 + (coordinated.has(u.orgId) ? 1 : 0) }));
    const pushStart = performance.now();
    const pushed = await pusher.ask<PushTimes>('run', { urls, inviters, recipients: users.map((u) => ({ email: u.email, cookie: u.cookie })), rate: args.rate, seconds: args.seconds });
    const pushSeconds = (performance.now() - pushStart) / 1000;
    const applied = pushed.ok.reduce((n, v) => n + v, 0);
    for (const e of pushed.errors) say(`push error: ${e}`);
    await wait(3000); // the last K refresh and deliveries
    const app = await Promise.all(clients.map((c) => c.ask<Collected>('collect')));
    await Promise.all(clients.map((c) => c.ask('close')));
    const loadAfterRun = load();
    say(`${applied} of ${pushed.ok.length} pushes applied in ${pushSeconds.toFixed(1)} s; load ${loadAfterRun}`);
    for (const s of servers.splice(0)) await s.stop();

    // The floor: plain Socket.IO servers, as many as the app had, with the same sockets and payload size.
    const bare = Array.from({ length: args.servers }, () => forkChild('bareServer'));
    children.push(...bare);
    const bareUrls = await Promise.all(bare.map((b) => b.ask<string>('listen')));
    errors += await openSockets(clients, users.map((_, i) => ({ url: bareUrls[i % bareUrls.length]! })));
    const bytes = Math.max(...app.map((a) => a.metricsBytes), 200);
    await Promise.all(bare.map((b) => b.ask('broadcast', { count: FLOOR_BROADCASTS, gapMs: 250, bytes })));
    await wait(1000);
    const floor = await Promise.all(clients.map((c) => c.ask<Collected>('collect')));
    await Promise.all(clients.map((c) => c.ask('close')));

    const change = concat(app.map((a) => a.changeMs));
    const k = kLatencies(mergeChanges(app.map((a) => a.changes)), app.flatMap((a) => a.dashboards));
    const pushMs = Array.from(pushed.t0, (t, i) => pushed.t1[i]! - t);
    const ticks = concat(floor.map((f) => f.tickMs));
    const missingChanges = Math.max(0, pushed.expected - change.length);
    const missingTicks = Math.max(0, FLOOR_BROADCASTS * args.users - ticks.length);
    const dropped = app.reduce((n, a) => n + a.dropped, 0) + floor.reduce((n, f) => n + f.dropped, 0);
    errors += pushed.ok.length - applied + missingChanges + k.missing + dropped + missingTicks;
    const rows: Row[] = [
      latency('change → sockets allowed to see it', change, `target p99 < 50 ms; ${missingChanges} missing`),
      latency('K → dashboard sockets', k.samples, `target p99 < 1 s; ${k.missing} missing, ${k.unresolved} after the last snapshot`),
      { ...latency('push (HTTP, invitations + acceptances)', pushMs, 'target p99 < 20 ms'), throughput: applied / pushSeconds },
      latency(`bare Socket.IO broadcast (${bytes} B), floor`, ticks, `${args.servers} plain server(s); ${missingTicks} missing`),
    ];
    console.log(`\nload: ${args.users} sockets on ${urls.length} server process(es), ${args.rate} pushes/s for ${args.seconds} s; load average ${loadBefore} before, ${loadAfterRun} after the run`);
    console.log(formatRows(rows));
    console.log(lastLine({ sockets: args.users, pushesPerS: applied / pushSeconds, changeP99: rows[0]!.p99Ms!, metricsP99: rows[1]!.p99Ms!, pushP99: rows[2]!.p99Ms!, baselineP99: rows[3]!.p99Ms!, errors }));
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    for (const s of servers) await s.stop();
    if (testDb) await testDb.drop();
    else await db.close();
  }
}

try {
  await main(parseLoadArgs(process.argv.slice(2)));
} catch (err) {
  if (!(err instanceof LoadArgsError)) throw err;
  console.error(`load: ${err.message}`);
  process.exit(2);
}
