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
