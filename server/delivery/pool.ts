/**
 * The workers of one server process: each loops claim → send → settle, and sleeps
 * DELIVERY_POLL_MS when the outbox has nothing due. `stop` lets each finish its batch (so a
 * clean shutdown records what it sent) and then returns.
 */
import type { Logger } from '../log';
import { runBatch, type DeliveryCore } from './worker';

export interface WorkerPool {
  /** Wakes sleeping workers (new rows were queued). */
  kick(): void;
  stop(): Promise<void>;
}

export function startWorkers(core: DeliveryCore, { workers, pollMs, log }: { workers: number; pollMs: number; log: Logger }): WorkerPool {
  let running = true;
  const sleepers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  const loop = async (n: number) => {
    while (running) {
      try {
        const took = await runBatch(core);
        if (took < core.batch && running) await sleep(pollMs);
      } catch (err) {
        log.error({ err, worker: n }, 'delivery batch failed');
        if (running) await sleep(pollMs);
      }
    }
  };
  const done = Promise.all(Array.from({ length: workers }, (_, n) => loop(n)));
  return {
    kick: () => [...sleepers].forEach((wake) => wake()),
    async stop() {
      running = false;
      [...sleepers].forEach((wake) => wake());
      await done;
    },
  };
}
