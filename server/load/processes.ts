/**
 * The load tool's processes. Sockets, pushes and servers each run in processes of their own, so
 * that no event loop measures another's work and no process holds more than ~10,000 file
 * descriptors (the hard limit here is 20,000 per process; a socket costs one on each end).
 * Children are forked with IPC ('advanced' serialization carries typed arrays) and answer
 * requests by id; servers are the real `server/main.ts`, started as an operator would.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface Request {
  id: number;
  type: string;
  [key: string]: unknown;
}

export interface Child {
  ask<T>(type: string, body?: object): Promise<T>;
  stop(): Promise<void>;
}

const exited = (proc: ChildProcess) => new Promise<void>((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.once('exit', () => resolve())));

/** Forks `server/load/<name>.ts` (which calls `answer`). */
export function forkChild(name: string): Child {
  const proc = fork(fileURLToPath(new URL(`./${name}.ts`, import.meta.url)), [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let next = 0;
  const waiting = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
  proc.on('message', (m: { id: number; result?: never; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error !== undefined) w?.reject(new Error(`${name}: ${m.error}`));
    else w?.resolve(m.result as never);
  });
  proc.once('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`${name} exited (${code}) before answering`));
    waiting.clear();
  });
  return {
    ask: (type, body = {}) =>
      new Promise((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve, reject });
        proc.send({ ...body, id, type });
      }),
    async stop() {
      proc.kill('SIGTERM');
      await exited(proc);
    },
  };
}

/** In a child: answers the parent's requests with `handlers`, one at a time per request id. */
export function answer(handlers: Record<string, (body: any) => Promise<unknown>>): void {
  process.on('message', (m: Request) => {
    const handler = handlers[m.type];
    const reply = (payload: object) => process.send!({ id: m.id, ...payload });
    if (!handler) return reply({ error: `no handler for ${m.type}` });
    handler(m).then(
      (result) => reply({ result }),
      (err: Error) => reply({ error: err.stack ?? String(err) }),
    );
  });
  process.once('SIGTERM', () => process.exit(0));
}

export interface ServerProcess {
  url: string;
  stop(): Promise<void>;
}

/** Starts `server/main.ts` on a free loopback port with `env`; resolves once it listens. */
export function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const main = fileURLToPath(new URL('../main.ts', import.meta.url));
  // LOAD_PROFILE_DIR=<dir>: each server writes a V8 CPU profile there when it stops (open in Chrome DevTools).
  const profile = process.env.LOAD_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LOAD_PROFILE_DIR}`] : [];
  const proc = spawn(process.execPath, [...profile, '--import', 'tsx', main], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DEMO_DATA: 'false', LOG_LEVEL: 'warn', STATIC_DIR: '/nonexistent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /running on http:\/\/localhost:(\d+)/.exec(output)?.[1];
      if (!port) return;
      proc.stdout!.off('data', onData);
      // Its log (warnings and up: slow queries, errors) goes to our stderr; the table stays on stdout.
      proc.stdout!.on('data', (more: Buffer) => process.stderr.write(more));
      resolve({
        url: `http://127.0.0.1:${port}`,
        async stop() {
          // A graceful stop waits for queued metrics refreshes; an overloaded server may have many.
          const kill = setTimeout(() => proc.kill('SIGKILL'), 10_000);
          proc.kill('SIGTERM');
          await exited(proc);
          clearTimeout(kill);
        },
      });
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`  [server] ${chunk}`));
    proc.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
}
