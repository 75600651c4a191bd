/**
 * Turning what the load tool's processes measured into figures: K's arrival per dashboard
 * socket and change, the table, and the one last line scripts read.
 */
import { percentile, type Row } from '../bench/table';
import type { ChangesSeen, DashboardTrace } from './clients';

/** A committed change: its transaction's start (at or before the commit) and its first arrival on any socket (after it). */
export interface Change {
  lo: number;
  hi: number;
}

/** Every change any client process saw, each with its earliest arrival. */
export function mergeChanges(seen: readonly ChangesSeen[]): Change[] {
  const byKey = new Map<string, Change>();
  for (const s of seen) {
    s.keys.forEach((key, i) => {
      const c = byKey.get(key);
      const lo = s.updatedAt[i]!;
      const hi = s.firstSeen[i]!;
      if (!c) byKey.set(key, { lo, hi });
      else c.hi = Math.min(c.hi, hi);
    });
  }
  return [...byKey.values()];
}

/**
 * How long each change took to show in each dashboard's K. A snapshot computed after a change
 * was first seen on a socket surely counts it (the change was committed before it was
 * emitted), so each change is timed, from its transaction's start, to the arrival of the first
 * such snapshot: an upper bound. A dashboard that never got one while a later snapshot exists
 * counts as missing; changes newer than every snapshot computed are unresolved (the end of the run).
 */
export function kLatencies(changes: readonly Change[], traces: readonly DashboardTrace[]): { samples: number[]; missing: number; unresolved: number } {
  const samples: number[] = [];
  let missing = 0;
  let unresolved = 0;
  let newest = -Infinity;
  for (const t of traces) for (const c of t.computedAt) newest = Math.max(newest, c);
  for (const { computedAt, recv } of traces) {
    // Snapshots from two servers may arrive out of order: the latest computed so far is what counts.
    const best = new Float64Array(computedAt.length);
    for (let j = 0; j < computedAt.length; j++) best[j] = Math.max(computedAt[j]!, j > 0 ? best[j - 1]! : -Infinity);
    for (const { lo, hi } of changes) {
      let a = 0;
      let b = best.length;
      while (a < b) {
        const mid = (a + b) >> 1;
        if (best[mid]! >= hi) b = mid;
        else a = mid + 1;
      }
      if (a < best.length) samples.push(recv[a]! - lo);
      else if (hi <= newest) missing++;
      else unresolved++;
    }
  }
  return { samples, missing, unresolved };
}

export const latency = (operation: string, ms: readonly number[], note: string): Row => ({ operation, n: ms.length, p50Ms: percentile(ms, 50), p99Ms: percentile(ms, 99), note });

export interface LoadFigures {
  sockets: number;
  pushesPerS: number;
  changeP99: number;
  metricsP99: number;
  pushP99: number;
  baselineP99: number;
  errors: number;
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : 'NaN');

/** The interface scripts and operators rely on: keep its shape. */
export function lastLine(f: LoadFigures): string {
  return `load: sockets=${f.sockets} pushes_per_s=${f.pushesPerS.toFixed(1)} change_p99_ms=${ms(f.changeP99)} metrics_p99_ms=${ms(f.metricsP99)} push_p99_ms=${ms(f.pushP99)} baseline_broadcast_p99_ms=${ms(f.baselineP99)} errors=${f.errors}`;
}
