/** The driver's handle on a worker-thread client. */
import { Worker } from 'node:worker_threads';
import type { ClientOp, FromWorker, Snapshot, ToWorker, WorkerInit } from './protocol';

export class SuiteClient {
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>();
  private readonly worker: Worker;
  private exited = false;
  readonly ready: Promise<string>;

  constructor(readonly init: WorkerInit) {
    this.worker = new Worker(new URL('./boot.mjs', import.meta.url), {
      workerData: { ...init, entry: new URL('./worker.ts', import.meta.url).href },
    });
    let resolveReady!: (id: string) => void;
    let rejectReady!: (e: Error) => void;
    this.ready = new Promise((res, rej) => ((resolveReady = res), (rejectReady = rej)));
    this.worker.on('message', (m: FromWorker) => {
      if (m.kind === 'ready') return resolveReady(m.userId);
      const w = this.waiting.get(m.seq);
      this.waiting.delete(m.seq);
      if (m.kind === 'error') w?.reject(new Error(`${init.name}: ${m.message}`));
      else w?.resolve(m);
    });
    const fail = (err: Error) => {
      this.exited = true;
      rejectReady(err);
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`${init.name}: worker exited (${code})`)));
  }

  private send(m: ToWorker extends infer T ? (T extends unknown ? Omit<T, 'seq'> : never) : never): Promise<FromWorker> {
    const seq = ++this.seq;
    if (this.exited) return Promise.reject(new Error(`${this.init.name}: worker is gone`));
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      this.worker.postMessage({ ...m, seq });
    });
  }

  op(op: ClientOp): Promise<FromWorker> {
    return this.send({ kind: 'op', op });
  }

  async settle(): Promise<void> {
    await this.send({ kind: 'settle' });
  }

  async snapshot(): Promise<Snapshot> {
    const m = await this.send({ kind: 'snapshot' });
    if (m.kind !== 'done' || !m.snapshot) throw new Error('no snapshot');
    return m.snapshot;
  }

  async close(): Promise<void> {
    if (!this.exited) await this.send({ kind: 'close' }).catch(() => undefined);
    await this.worker.terminate();
  }
}
