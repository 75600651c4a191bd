/**
 * Small-count suppression (DESIGN §6): an aggregate over fewer than 5 distinct people is not
 * shown, and neither is any figure that would let a reader work one out.
 *
 * `protectBreakdown` guarantees, for rows that split a shown total (or each other):
 * - every row with fewer than 5 people is suppressed;
 * - never exactly one suppressed row when there is more than one row or a total is shown, so
 *   no hidden figure equals total − the shown rows (complementary suppression: the shown row
 *   with the fewest people is hidden alongside it);
 * - a total under 5 suppresses every row;
 * - nothing else is suppressed, and rows keep their input order.
 * A count that is not a number ≥ 5 (NaN included) counts as small: failing safe means hiding.
 */
import { addDays } from '../viral';

export const MIN_PEOPLE = 5;
export const SUPPRESSED_LABEL = 'fewer than 5';

export function isSuppressed(people: number): boolean {
  return !(people >= MIN_PEOPLE);
}

export function protectBreakdown<T extends { people: number }>(
  rows: readonly T[],
  total?: { people: number },
): Array<T & { suppressed: boolean }> {
  if (total !== undefined && isSuppressed(total.people)) {
    return rows.map((row) => ({ ...row, suppressed: true }));
  }
  const hidden = rows.map((row) => isSuppressed(row.people));
  const hiddenCount = hidden.filter(Boolean).length;
  if (hiddenCount === 1 && (rows.length > 1 || total !== undefined)) {
    // The complement: the smallest shown row (the first of equals), which gives away least.
    let complement = -1;
    rows.forEach((row, i) => {
      if (!hidden[i] && (complement < 0 || row.people < rows[complement]!.people)) complement = i;
    });
    // With a total and one row there is no complement to hide; the row is then the whole
    // total (≥ 5, so shown) unless the rows do not split the total, when nothing is derivable.
    if (complement >= 0) hidden[complement] = true;
  }
  return rows.map((row, i) => ({ ...row, suppressed: hidden[i]! }));
}

/**
 * A figure that stands alone (a platform total, an experiment's whole sample): its fields as
 * they are when `people` is 5 or more, else every field null. `suppressed` says which.
 */
export function protectTotal<T extends Record<string, unknown>>(
  people: number,
  figures: T,
): (T & { suppressed: false }) | ({ [K in keyof T]: null } & { suppressed: true }) {
  if (!isSuppressed(people)) return { ...figures, suppressed: false };
  const hidden = Object.fromEntries(Object.keys(figures).map((k) => [k, null])) as { [K in keyof T]: null };
  return { ...hidden, suppressed: true };
}

/**
 * One row of a breakdown, asked for alone (GET /api/viral/k?dim=…&val=…): suppressed exactly
 * when it would be in the whole breakdown beside the shown total, so asking for each value in
 * turn gives away no more than the breakdown does. A value with no row is suppressed (0 people).
 */
export function protectOne<T extends { people: number }>(
  rows: readonly T[],
  total: { people: number },
  pick: (row: T) => boolean,
): boolean {
  const protectedRows = protectBreakdown(rows, total);
  const i = rows.findIndex(pick);
  return i < 0 ? true : protectedRows[i]!.suppressed;
}

/** A cell of a two-way table: one channel × one variant (an experiment arm). */
export interface TableCell {
  row: string;
  col: string;
  people: number;
}

/** A line of the table whose total is published on its own (a K breakdown row). */
export interface LineTotal {
  key: string;
  people: number;
}

const FREE_ROWS = '\u0000rows';
const FREE_COLS = '\u0000cols';

/**
 * Cells of a two-way table whose row and column totals are published too, each through
 * `protectBreakdown` beside the grand total (experiment arms, with the K breakdowns by channel
 * and by variant). Hiding a cell hides every figure it has; the rule is that no hidden cell can
 * be worked out from the shown cells and totals by adding and subtracting them:
 * - every cell under 5 people is hidden, and a grand total under 5 hides every cell;
 * - a line with a shown total never has exactly one hidden cell (a complement, the smallest
 *   shown cell, is hidden with it: the rule of `protectBreakdown`, applied again to every row
 *   and column until nothing changes). The lines whose totals are hidden count as one line: the
 *   grand total minus the shown lines gives their sum;
 * - that is not enough on its own when several lines are combined: a hidden cell can be worked
 *   out exactly when, in the graph whose nodes are the lines and whose edges are the hidden
 *   cells, it lies on no cycle. Then (rare: it takes two separate cycles of hidden cells) every
 *   cell is hidden, as it is when a line has no cell left that could be its complement;
 * - a cell of nobody is hidden but covers nothing (a reader would guess 0).
 * Cells are taken to add up to their lines (inviters are distinct per line, so a true total is
 * at most the sum): the rule then hides at least what the exact figures would need. What the
 * published totals give away on their own (a row whose other cells are each alone in their
 * column is that row's total minus those columns' totals) no choice of cells can change.
 * Cells keep their input order.
 */
export function protectTable<T extends TableCell>(
  cells: readonly T[],
  totals: { rows: readonly LineTotal[]; cols: readonly LineTotal[]; total: { people: number } },
): Array<T & { suppressed: boolean }> {
  const all = (suppressed: boolean) => cells.map((c) => ({ ...c, suppressed }));
  if (isSuppressed(totals.total.people)) return all(true);
  const shownKeys = (lines: readonly LineTotal[]) =>
    new Set(protectBreakdown(lines, totals.total).flatMap((l) => (l.suppressed ? [] : [l.key])));
  const shownRows = shownKeys(totals.rows);
  const shownCols = shownKeys(totals.cols);
  // Each cell is an edge between its row's node and its column's node; hidden totals share one.
  const ends = cells.map((c) => [shownRows.has(c.row) ? `r:${c.row}` : FREE_ROWS, shownCols.has(c.col) ? `c:${c.col}` : FREE_COLS] as const);
  // A cell of nobody joins no line (see above).
  const at = new Map<string, number[]>();
  ends.forEach((pair, i) => cells[i]!.people !== 0 && pair.forEach((node) => at.set(node, [...(at.get(node) ?? []), i])));
  const hidden = cells.map((c) => isSuppressed(c.people));

  for (let changed = true; changed; ) {
    changed = false;
    for (const members of at.values()) {
      const hiddenHere = members.filter((i) => hidden[i]);
      if (hiddenHere.length !== 1) continue;
      // A complement alone on its other line would be that line's total: it covers nothing.
      const candidates = members.filter((i) => !hidden[i] && ends[i]!.every((node) => at.get(node)!.length > 1));
      if (candidates.length === 0) return all(true);
      const complement = candidates.reduce((best, i) => (cells[i]!.people < cells[best]!.people ? i : best));
      hidden[complement] = true;
      changed = true;
    }
  }
  const isBridge = (e: number) => {
    const [from, to] = ends[e]!;
    const seen = new Set<string>([from]);
    const queue: string[] = [from];
    while (queue.length > 0) {
      const node = queue.pop()!;
      for (const i of at.get(node)!) {
        if (i === e || !hidden[i]) continue;
        for (const next of ends[i]!) if (!seen.has(next)) (seen.add(next), queue.push(next));
      }
    }
    return !seen.has(to);
  };
  if (cells.some((c, i) => hidden[i] && c.people !== 0 && isBridge(i))) return all(true);
  return cells.map((c, i) => ({ ...c, suppressed: hidden[i]! }));
}

/** Figures over a run of days (first and last day `YYYY-MM-DD`, inclusive). */
export interface Period {
  start: string;
  end: string;
  people: number;
}

/**
 * Periods that sit side by side (weekly cohorts) beside longer windows that are published too
 * (the 7-, 30- and 90-day figures). A window that spans exactly a run of whole periods is their
 * total — invitations and acceptances add up even though inviters do not quite — so that run is
 * a breakdown of it: never exactly one hidden period in it, the smallest shown one joining it as
 * the complement, again until nothing changes (a complement may complete another window's run).
 * Nothing is written after `lastDay` (today), so a period still under way ends there.
 * Periods under 5 people are hidden; nothing else is.
 */
export function protectPeriods<T extends Period>(periods: readonly T[], windows: readonly Period[], lastDay: string): Array<T & { suppressed: boolean }> {
  const hidden = periods.map((p) => isSuppressed(p.people));
  const runs = windows.flatMap((w) => {
    const first = periods.findIndex((p) => p.start === w.start);
    const last = periods.findIndex((p) => (p.end < lastDay ? p.end : lastDay) === w.end);
    return first >= 0 && last > first ? [periods.map((_, i) => i).slice(first, last + 1)] : [];
  });
  for (let changed = true; changed; ) {
    changed = false;
    for (const run of runs) {
      if (run.filter((i) => hidden[i]).length !== 1) continue;
      const shown = run.filter((i) => !hidden[i]);
      hidden[shown.reduce((best, i) => (periods[i]!.people < periods[best]!.people ? i : best))] = true;
      changed = true;
    }
  }
  return periods.map((p, i) => ({ ...p, suppressed: hidden[i]! }));
}

/**
 * Windows published side by side that end on the same day (the 7-, 30- and 90-day figures):
 * a longer one minus a shorter one is the run of days between their starts, a figure a reader
 * gets by subtracting. Each such difference, as a period, for `protectPeriods` to check like a
 * published window. Windows that do not share their last day give none.
 */
export function windowDifferences(windows: readonly Omit<Period, 'people'>[]): Period[] {
  const out: Period[] = [];
  for (const long of windows) {
    for (const short of windows) {
      if (long.end !== short.end || long.start >= short.start) continue;
      out.push({ start: long.start, end: addDays(short.start, -1), people: Number.NaN });
    }
  }
  return out;
}

/**
 * Parts that split a shown total, each person in one part (direct and indirect revenue, the
 * levels of a referral chain): `protectBreakdown` among the parts someone is in; a part of
 * nobody is about nobody and is shown (as 0) whenever the total is. A total under 5 hides all.
 */
export function protectParts<T extends { people: number }>(parts: readonly T[], total: { people: number }): Array<T & { suppressed: boolean }> {
  if (isSuppressed(total.people)) return parts.map((p) => ({ ...p, suppressed: true }));
  const used = parts.filter((p) => p.people > 0);
  const verdict = protectBreakdown(used, total);
  return parts.map((p) => ({ ...p, suppressed: p.people > 0 && verdict[used.indexOf(p)]!.suppressed }));
}

/** Revenue and the number of distinct people behind it (bookers), for one level of a chain. */
export interface LevelFigure {
  people: number;
  revenue: number;
}

/** What a referrer may be shown of the revenue of the people below them; null is "fewer than 5". */
export interface ProtectedLevels {
  /** Bookers at every level together; null under 5. */
  people: number | null;
  total: number | null;
  /** Level 1. */
  direct: number | null;
  /** Levels 2 and below (total − direct): shown exactly when direct is. */
  indirect: number | null;
  byLevel: Array<number | null>;
  suppressed: boolean;
}

/**
 * Revenue by level below one referrer (levels[0] = the people they referred), each level's
 * bookers distinct from the others'. The total shows from 5 bookers (as 0 with none). Direct
 * (level 1) and indirect (the levels below) split it as two parts (`protectParts`: one under 5
 * bookers hides the other, so neither is ever total − a shown figure); the levels below split
 * the indirect in turn, shown only while it is. A level nobody booked in shows 0.
 */
export function protectLevels(levels: readonly LevelFigure[]): ProtectedLevels {
  const add = (xs: readonly LevelFigure[]) => ({ people: xs.reduce((s, l) => s + l.people, 0), revenue: xs.reduce((s, l) => s + l.revenue, 0) });
  const all = add(levels);
  const first = levels[0] ?? { people: 0, revenue: 0 };
  const below = add(levels.slice(1));
  // Nobody booked: every figure is about nobody, and 0.
  if (all.people === 0) return { people: 0, total: 0, direct: 0, indirect: 0, byLevel: levels.map(() => 0), suppressed: false };
  if (isSuppressed(all.people)) {
    return { people: null, total: null, direct: null, indirect: null, byLevel: levels.map(() => null), suppressed: true };
  }
  const [direct, indirect] = protectParts([first, below], { people: all.people }).map((p) => (p.suppressed ? null : p.revenue)) as [number | null, number | null];
  const deeper =
    indirect === null ? levels.slice(1).map(() => null)
    : below.people === 0 ? levels.slice(1).map(() => 0)
    : protectParts(levels.slice(1), below).map((l) => (l.suppressed ? null : l.revenue));
  return { people: all.people, total: all.revenue, direct, indirect, byLevel: levels.length === 0 ? [] : [direct, ...deeper], suppressed: false };
}
