/**
 * The PouchDB baseline's server: express-pouchdb 4.2 over PouchDB 9 on LevelDB (leveldown), in
 * a temporary folder, listening on 127.0.0.1 only. It runs as a child process forked by
 * `startPouchServer()` so server and client do not share one event loop (as in production, and
 * as the 2-core machine allows). The parent drives it over IPC: `seed` fills a database with
 * benchmark invitations straight into LevelDB (not timed, not over HTTP), `drop` destroys one,
 * `close` stops the server and removes the folder. The folder is also removed if the parent
 * goes away.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchInvitations } from './invitations';

type Command =
  | { id: number; type: 'seed'; db: string; count: number; seed: number }
  | { id: number; type: 'drop'; db: string }
  | { id: number; type: 'cpu' }
  | { id: number; type: 'close' };
/** A command without its id (distributes over the union). */
type Request = Command extends infer C ? (C extends Command ? Omit<C, 'id'> : never) : never;
type Reply = { type: 'ready'; url: string } | { type: 'done'; id: number; docCount?: number; cpuMs?: number } | { type: 'failed'; id: number; error: string };

const SEED_BATCH = 1000;

/** Handle on the child: `url` is the CouchDB-style root, e.g. http://127.0.0.1:41234/ */
export interface PouchServer {
  url: string;
  seed(db: string, count: number, seed: number): Promise<number>;
  drop(db: string): Promise<void>;
  /** CPU time (user + system) the server process has used so far, in ms. */
  cpuMs(): Promise<number>;
  close(): Promise<void>;
}

export async function startPouchServer(): Promise<PouchServer> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the PouchDB server exited (${code}) before it was ready`)));
    child.on('message', (m: Reply) => {
      if (m.type === 'ready') return resolve(m.url);
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.type === 'failed') p?.reject(new Error(m.error));
      else p?.resolve(m);
    });
  });
  child.on('exit', () => {
    for (const p of pending.values()) p.reject(new Error('the PouchDB server exited'));
    pending.clear();
  });
  const ask = (cmd: Request) =>
    new Promise<Reply>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ ...cmd, id });
    });
  return {
    url,
    seed: async (db, count, seed) => {
      const r = await ask({ type: 'seed', db, count, seed });
      return r.type === 'done' ? (r.docCount ?? 0) : 0;
    },
    drop: async (db) => void (await ask({ type: 'drop', db })),
    cpuMs: async () => {
      const r = await ask({ type: 'cpu' });
      return r.type === 'done' ? (r.cpuMs ?? 0) : 0;
    },
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await ask({ type: 'close' }).catch(() => undefined);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function serve(): Promise<void> {
  const [{ default: PouchDB }, { default: expressPouchDB }] = await Promise.all([import('pouchdb-node'), import('express-pouchdb')]);
  const dir = mkdtempSync(join(tmpdir(), 'plusone-bench-pouchdb-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  const ServerPouch = PouchDB.defaults({ prefix: `${dir}/` });
  // The lean mode: only the routes replication uses, no config/log files, no validation
  // wrappers. The fastest express-pouchdb setup, so the baseline is not handicapped.
  const app = expressPouchDB(ServerPouch, { mode: 'minimumForPouchDB' });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }).then(removeDir));
  process.on('disconnect', () => void stop().finally(() => process.exit(0)));

  process.on('message', async (cmd: Command) => {
    const reply = (r: Reply) => process.send?.(r);
    try {
      if (cmd.type === 'seed') {
        const db = new ServerPouch(cmd.db);
        const docs = benchInvitations(cmd.count, cmd.seed);
        for (let i = 0; i < docs.length; i += SEED_BATCH) {
          const results = await db.bulkDocs(docs.slice(i, i + SEED_BATCH));
          const failed = results.find((r) => r.error);
          if (failed) throw new Error(`seeding ${cmd.db}: ${failed.error} ${failed.reason ?? ''}`);
        }
        reply({ type: 'done', id: cmd.id, docCount: (await db.info()).doc_count });
      } else if (cmd.type === 'cpu') {
        const { user, system } = process.cpuUsage();
        reply({ type: 'done', id: cmd.id, cpuMs: (user + system) / 1000 });
      } else if (cmd.type === 'drop') {
        await new ServerPouch(cmd.db).destroy();
        reply({ type: 'done', id: cmd.id });
      } else {
        await stop();
        reply({ type: 'done', id: cmd.id });
        process.disconnect();
        process.exit(0);
      }
    } catch (e) {
      reply({ type: 'failed', id: cmd.id, error: e instanceof Error ? e.message : String(e) });
    }
  });
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}/` } satisfies Reply);
}

if (process.argv.includes('--serve') && process.argv[1] === fileURLToPath(import.meta.url)) {
  serve().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
