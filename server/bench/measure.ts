/**
 * Measuring for the long benchmarks: progress lines with elapsed time, the machine's load,
 * timing one call or a long step (with a line every 30 s), sampling n calls after a warm-up,
 * and a latency row for the table.
 */
import { loadavg } from 'node:os';
import { percentile, type Row } from './table';

/** Unmeasured calls before a sample. */
export const WARMUP = 10;

let started = performance.now();

/** Restarts the clock the progress lines count from. */
export function startClock(): void {
  started = performance.now();
}

/** A progress line, with the seconds since startClock(). */
export function say(line: string): void {
  console.log(`  [${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
}
export const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
export const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));

export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const result = await fn();
  return [result, performance.now() - t];
}

/** `timed`, with a line every 30 s so a long step (a rebuild at 10M) visibly goes on. */
export async function timedLong<T>(label: string, fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const ticker = setInterval(() => say(`… ${label}, ${Math.round((performance.now() - t) / 1000)} s so far`), 30_000);
  try {
    return await timed(fn);
  } finally {
    clearInterval(ticker);
  }
}

/**
 * Runs `fn` n times in a row (after a few unmeasured warm-up calls); each call's milliseconds.
 * `between` runs untimed after each call.
 */
export async function sample(n: number, fn: (i: number) => Promise<unknown>, warmup = WARMUP, between?: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
    if (between) await between();
  }
  return out;
}

export const latencyRow = (operation: string, ms: number[], note?: string): Row => ({
  operation,
  n: ms.length,
  p50Ms: percentile(ms, 50),
  p99Ms: percentile(ms, 99),
  throughput: (ms.length / ms.reduce((a, b) => a + b, 0)) * 1000,
  ...(note ? { note } : {}),
});
