/**
 * What a benchmark suite returns, and how it is printed: one aligned plain-text table per suite
 * (operation, n, p50, p99 or total ms, throughput, each run). Benchmarks report; they never
 * assert timings.
 */

export interface Row {
  operation: string;
  /** Items the operation handled (documents, requests, ...). */
  n: number;
  p50Ms?: number;
  p99Ms?: number;
  /** Wall time of the whole operation (for repeated runs: the median run). */
  totalMs?: number;
  /** Items per second. */
  throughput?: number;
  /** Each run's total, in order, when the operation was repeated. */
  runsMs?: number[];
  note?: string;
}

export interface Suite {
  name: string;
  /** Lines printed under the suite's title: what was measured, on what. */
  about?: string[];
  run(): Promise<Row[]>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile, p in (0, 100]. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return '';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 1) return ms.toFixed(1);
  return ms.toFixed(3);
}

export function formatRate(perSecond: number | undefined): string {
  if (perSecond === undefined || !Number.isFinite(perSecond)) return '';
  return `${Math.round(perSecond).toLocaleString('en-US')}/s`;
}

/** Aligns cells into columns: text left, numbers (anything starting with a digit) right. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^([\d.,]|$)/.test(r[i] ?? '')));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A suite's rows as a table; columns that no row fills are left out. */
export function formatRows(rows: Row[]): string {
  const columns: [string, (r: Row) => string][] = [
    ['operation', (r) => r.operation],
    ['n', (r) => r.n.toLocaleString('en-US')],
    ['p50 ms', (r) => formatMs(r.p50Ms)],
    ['p99 ms', (r) => formatMs(r.p99Ms)],
    ['total ms', (r) => formatMs(r.totalMs)],
    ['throughput', (r) => formatRate(r.throughput)],
    ['runs ms', (r) => (r.runsMs ?? []).map(formatMs).join(' / ')],
    ['note', (r) => r.note ?? ''],
  ];
  const used = columns.filter(([, cell], i) => i < 2 || rows.some((r) => cell(r) !== ''));
  return formatTable(
    used.map(([h]) => h),
    rows.map((r) => used.map(([, cell]) => cell(r))),
  );
}
