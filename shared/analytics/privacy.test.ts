import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../random';
import { MIN_PEOPLE, SUPPRESSED_LABEL, isSuppressed, protectBreakdown, protectOne, protectPeriods, protectTable, protectTotal, type TableCell } from './privacy';

/** Seed for the randomized checks: `SEED=123 npx vitest run shared/analytics` reruns one. */
const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);

interface Row {
  key: string;
  people: number;
}

/** Rows that split a total: a mix of small (0–4) and larger groups. */
function randomRows(rng: Rng): Row[] {
  return Array.from({ length: rng.int(0, 8) }, (_, i) => ({
    key: `row-${i}`,
    people: rng.chance(0.35) ? rng.int(0, 4) : rng.chance(0.3) ? rng.int(5, 8) : rng.int(5, 300),
  }));
}

const sum = (rows: readonly Row[]) => rows.reduce((s, r) => s + r.people, 0);

function forEachRandom(offset: number, check: (rows: Row[], total: { people: number } | undefined) => void) {
  const rng = createRng(seed + offset);
  for (let run = 0; run < 3000; run++) {
    const rows = randomRows(rng);
    const total = rng.chance(0.7) ? { people: sum(rows) } : undefined;
    try {
      check(rows, total);
    } catch (err) {
      throw new Error(`failed for ${JSON.stringify({ rows, total })} (run ${run}; rerun with SEED=${seed}): ${String(err)}`);
    }
  }
}

describe('small-count suppression', () => {
  it('no hidden figure can be recovered as total − the shown rows: never exactly one hidden row beside a shown total', () => {
    let checkedWithHidden = 0;
    forEachRandom(0, (rows, total) => {
      const out = protectBreakdown(rows, total);
      const hidden = out.filter((r) => r.suppressed);
      if (total !== undefined && !isSuppressed(total.people)) {
        const residual = total.people - sum(out.filter((r) => !r.suppressed));
        if (hidden.length === 1) expect(hidden[0]!.people).not.toBe(residual);
        expect(hidden.length).not.toBe(1);
        if (hidden.length > 0) checkedWithHidden++;
      }
      // Without a total, the rows still add up to one, so the same holds between rows.
      if (rows.length > 1) expect(hidden.length).not.toBe(1);
    });
    expect(checkedWithHidden).toBeGreaterThan(100);
  });

  it('rows under 5 are always hidden; rows of 5 or more are shown unless one is the complement', () => {
    forEachRandom(1, (rows, total) => {
      const out = protectBreakdown(rows, total);
      expect(out.map(({ suppressed: _, ...row }) => row)).toEqual(rows);
      if (total !== undefined && total.people < MIN_PEOPLE) {
        expect(out.every((r) => r.suppressed)).toBe(true);
        return;
      }
      const small = rows.filter((r) => r.people < MIN_PEOPLE).length;
      const bigHidden = out.filter((r) => r.people >= MIN_PEOPLE && r.suppressed);
      for (const r of out) if (r.people < MIN_PEOPLE) expect(r.suppressed).toBe(true);
      // One small row among several takes one complement with it (a lone row has none to take).
      const needsComplement = small === 1 && rows.length > 1;
      expect(bigHidden.length).toBe(needsComplement ? 1 : 0);
      if (needsComplement) {
        // The complement is the smallest shown row, the first of equals.
        const smallest = Math.min(...rows.filter((r) => r.people >= MIN_PEOPLE).map((r) => r.people));
        expect(bigHidden[0]!.people).toBe(smallest);
        expect(bigHidden[0]!.key).toBe(rows.find((r) => r.people === smallest)!.key);
      }
    });
  });

  it('a worked example: 3 + 40 + 12 = 55 → hide the 3 and the 12, show 40', () => {
    const rows = [
      { channel: 'email', people: 40 },
      { channel: 'sms', people: 3 },
      { channel: 'whatsapp', people: 12 },
    ];
    expect(protectBreakdown(rows, { people: 55 }).map((r) => r.suppressed)).toEqual([false, true, true]);
    expect(protectBreakdown(rows).map((r) => r.suppressed)).toEqual([false, true, true]);
  });

  it('two small rows hide each other; no small row hides nothing; a small total hides everything', () => {
    const two = [{ people: 3 }, { people: 4 }, { people: 30 }];
    expect(protectBreakdown(two, { people: 37 }).map((r) => r.suppressed)).toEqual([true, true, false]);
    const none = [{ people: 5 }, { people: 6 }];
    expect(protectBreakdown(none, { people: 11 }).map((r) => r.suppressed)).toEqual([false, false]);
    expect(protectBreakdown([{ people: 2 }, { people: 2 }], { people: 4 }).every((r) => r.suppressed)).toBe(true);
    expect(protectBreakdown([{ people: 4 }])).toEqual([{ people: 4, suppressed: true }]);
    expect(protectBreakdown([], { people: 3 })).toEqual([]);
  });

  it('the threshold is 5 people, and a count that is not a number is hidden', () => {
    expect(MIN_PEOPLE).toBe(5);
    expect(SUPPRESSED_LABEL).toBe('fewer than 5');
    expect(isSuppressed(4)).toBe(true);
    expect(isSuppressed(0)).toBe(true);
    expect(isSuppressed(5)).toBe(false);
    expect(isSuppressed(Number.NaN)).toBe(true);
  });
});

describe('a figure alone, and one row asked for alone', () => {
  it('protectTotal shows the figures from 5 people and nulls every one of them below', () => {
    expect(protectTotal(5, { k: 1.2, inviters: 5 })).toEqual({ k: 1.2, inviters: 5, suppressed: false });
    expect(protectTotal(4, { k: 1.2, inviters: 4, status: 'healthy' })).toEqual({ k: null, inviters: null, status: null, suppressed: true });
    expect(protectTotal(Number.NaN, { k: 0 })).toEqual({ k: null, suppressed: true });
  });

  it('protectOne answers exactly what the whole breakdown shows for that row, so asking row by row reveals nothing more', () => {
    forEachRandom(2, (rows, total) => {
      const t = total ?? { people: sum(rows) };
      const whole = protectBreakdown(rows, t);
      rows.forEach((row, i) => expect(protectOne(rows, t, (r) => r.key === row.key)).toBe(whole[i]!.suppressed));
      expect(protectOne(rows, t, (r) => r.key === 'absent')).toBe(true);
    });
  });
});

/** Rank of a small matrix (Gaussian elimination; entries are small integers, so floats are exact enough). */
function rank(matrix: number[][]): number {
  const m = matrix.map((r) => [...r]);
  let r = 0;
  for (let c = 0; c < (m[0]?.length ?? 0) && r < m.length; c++) {
    const pivot = m.findIndex((row, i) => i >= r && Math.abs(row[c]!) > 1e-9);
    if (pivot < 0) continue;
    [m[r], m[pivot]] = [m[pivot]!, m[r]!];
    for (let i = 0; i < m.length; i++) {
      if (i === r) continue;
      const f = m[i]![c]! / m[r]![c]!;
      m[i] = m[i]!.map((x, j) => x - f * m[r]![j]!);
    }
    r++;
  }
  return r;
}

/**
 * The hidden cells a reader can work out exactly from what is shown: the shown cells, the shown
 * row and column totals and the grand total, by any sum and difference of them (a hidden cell
 * is found when its indicator is a combination of the published equations) and that is under 5
 * people. Cells of nobody are taken as known.
 */
function derivable(cells: readonly (TableCell & { suppressed: boolean })[], shownRows: Set<string>, shownCols: Set<string>, totalShown: boolean): string[] {
  const unknown = cells.filter((c) => c.suppressed && c.people !== 0);
  // What matters is a figure under 5 people: a complement (5 or more) may be as public as its line.
  const equation = (inLine: (c: TableCell) => boolean) => unknown.map((c) => (inLine(c) ? 1 : 0));
  const equations = [
    ...[...shownRows].map((row) => equation((c) => c.row === row)),
    ...[...shownCols].map((col) => equation((c) => c.col === col)),
    ...(totalShown ? [equation(() => true)] : []),
  ];
  const base = rank(equations);
  return unknown
    .filter((c, i) => isSuppressed(c.people) && rank([...equations, unknown.map((__, j) => (j === i ? 1 : 0))]) === base)
    .map((c) => `${c.row}×${c.col}`);
}

/** A table as the counters give it: every listed line has cells, every cell someone (1–4 or 5–60). */
function randomTable(rng: Rng) {
  const cells = Array.from({ length: rng.int(1, 5) }, (_, r) => `ch${r}`).flatMap((row) =>
    Array.from({ length: rng.int(1, 5) }, (_, c) => `v${c}`).flatMap((col) =>
      rng.chance(0.8) ? [{ row, col, people: rng.chance(0.4) ? rng.int(1, 4) : rng.int(5, 60) }] : [],
    ),
  );
  const line = (of: (c: TableCell) => string) =>
    [...new Set(cells.map(of))].map((key) => ({ key, people: cells.filter((c) => of(c) === key).reduce((s, c) => s + c.people, 0) }));
  return { cells, rows: line((c) => c.row), cols: line((c) => c.col), total: { people: cells.reduce((s, c) => s + c.people, 0) } };
}

describe('two-way tables (experiment arms beside the channel and variant totals)', () => {
  it('no hidden cell can be worked out from the shown cells and the shown row, column and grand totals', () => {
    const rng = createRng(seed + 3);
    let withHidden = 0;
    let allHidden = 0;
    for (let run = 0; run < 1500; run++) {
      const t = randomTable(rng);
      const out = protectTable(t.cells, t);
      try {
        const shown = (lines: { key: string; people: number }[]) => new Set(protectBreakdown(lines, t.total).filter((l) => !l.suppressed).map((l) => l.key));
        const given = [shown(t.rows), shown(t.cols), !isSuppressed(t.total.people)] as const;
        // Cells the totals alone give away (every other cell of their row alone in its column,
        // say) are the totals' to protect: no choice of hidden cells changes that.
        const byTotals = new Set(derivable(t.cells.map((c) => ({ ...c, suppressed: true })), ...given));
        expect(derivable(out, ...given).filter((c) => !byTotals.has(c))).toEqual([]);
        for (const c of out) if (c.people < MIN_PEOPLE) expect(c.suppressed).toBe(true);
        if (t.cells.every((c) => c.people >= MIN_PEOPLE)) expect(out.every((c) => !c.suppressed)).toBe(true);
        if (out.some((c) => c.suppressed) && out.some((c) => !c.suppressed)) withHidden++;
        if (out.length > 1 && out.every((c) => c.suppressed) && !isSuppressed(t.total.people)) allHidden++;
      } catch (err) {
        throw new Error(`failed for ${JSON.stringify(t)} (run ${run}; rerun with SEED=${seed}): ${String(err)}`);
      }
    }
    expect(withHidden).toBeGreaterThan(300);
    // Hiding everything is the rare fallback, not the rule.
    expect(allHidden).toBeLessThan(withHidden);
  });

  it('a worked example: the cell a variant total would give away (13 − 10 = 3) is hidden with a complement in its column', () => {
    // variant_a: 3 by email, 10 by SMS. Within email, variant_b (4) already hides beside it.
    const cells = [
      { row: 'email', col: 'control', people: 20 },
      { row: 'email', col: 'variant_a', people: 3 },
      { row: 'email', col: 'variant_b', people: 4 },
      { row: 'sms', col: 'control', people: 30 },
      { row: 'sms', col: 'variant_a', people: 10 },
      { row: 'sms', col: 'variant_b', people: 12 },
    ];
    const totals = {
      rows: [{ key: 'email', people: 27 }, { key: 'sms', people: 52 }],
      cols: [{ key: 'control', people: 50 }, { key: 'variant_a', people: 13 }, { key: 'variant_b', people: 16 }],
      total: { people: 79 },
    };
    // Row by row alone, SMS would show all three: 13 − 10 would then give email's variant_a.
    expect(protectBreakdown(cells.slice(3), { people: 52 }).every((c) => !c.suppressed)).toBe(true);
    expect(protectTable(cells, totals).map((c) => c.suppressed)).toEqual([false, true, true, false, true, true]);
    // A small grand total hides everything; cells of nobody are hidden but cover nothing.
    expect(protectTable(cells, { ...totals, total: { people: 4 } }).every((c) => c.suppressed)).toBe(true);
    const withNobody = protectTable([{ row: 'email', col: 'control', people: 9 }, { row: 'email', col: 'variant_a', people: 3 }, { row: 'email', col: 'variant_b', people: 0 }], {
      rows: [{ key: 'email', people: 12 }],
      cols: [],
      total: { people: 12 },
    });
    expect(withNobody.map((c) => c.suppressed)).toEqual([true, true, true]);
  });
});

describe('weekly cohorts beside the published windows', () => {
  // Tuesday 2026-11-24: this week is Monday and today; the 30-day window is it and the 4 weeks before.
  const today = '2026-11-24';
  const week = (start: string, end: string, people: number) => ({ start, end, people });
  const weeks = [
    week('2026-10-12', '2026-10-18', 40),
    week('2026-10-19', '2026-10-25', 10),
    week('2026-10-26', '2026-11-01', 8),
    week('2026-11-02', '2026-11-08', 6),
    week('2026-11-09', '2026-11-15', 12),
    week('2026-11-16', '2026-11-22', 9),
    week('2026-11-23', '2026-11-29', 3),
  ];

  it('a week the 30-day window would give away (the window minus the 4 shown weeks before it) is hidden with the smallest of them', () => {
    const thirty = { start: '2026-10-26', end: today, people: 38 };
    expect(protectPeriods(weeks, [thirty], today).map((w) => w.suppressed)).toEqual([false, false, false, true, false, false, true]);
    // A window that does not start on a Monday spans no run of whole weeks: nothing more is hidden.
    const seven = { start: '2026-11-18', end: today, people: 11 };
    expect(protectPeriods(weeks, [seven], today).map((w) => w.suppressed)).toEqual([false, false, false, false, false, false, true]);
    // On a Sunday the 7-day window is this week alone: the same figures, hidden or shown alike.
    const sunday = protectPeriods(weeks, [{ start: '2026-11-23', end: '2026-11-29', people: 3 }], '2026-11-29');
    expect(sunday.map((w) => w.suppressed)).toEqual([false, false, false, false, false, false, true]);
  });

  it('never leaves exactly one hidden week in a run a window spans, for any weeks and windows', () => {
    const rng = createRng(seed + 4);
    for (let run = 0; run < 2000; run++) {
      const periods = weeks.map((w) => ({ ...w, people: rng.chance(0.3) ? rng.int(0, 4) : rng.int(5, 40) }));
      const windows = Array.from({ length: rng.int(0, 3) }, () => {
        const first = rng.int(0, periods.length - 1);
        const last = rng.int(first, periods.length - 1);
        const end = periods[last]!.end < today ? periods[last]!.end : today;
        return { start: periods[first]!.start, end, people: periods.slice(first, last + 1).reduce((s, p) => s + p.people, 0) };
      });
      const out = protectPeriods(periods, windows, today);
      const context = `(run ${run}; rerun with SEED=${seed}) ${JSON.stringify({ periods, windows })}`;
      for (const w of windows) {
        const inRun = out.filter((p) => p.start >= w.start && p.start <= w.end);
        if (inRun.length > 1) expect(inRun.filter((p) => p.suppressed).length, context).not.toBe(1);
      }
      out.forEach((p) => p.people < MIN_PEOPLE && expect(p.suppressed, context).toBe(true));
    }
  });
});
