/**
 * Which experiment arms ('<channel>:<variant>', the K counters' 'experiment' dimension) are
 * hidden over a window. GET /api/viral/k publishes the channel's and the variant's totals for
 * any window, so an arm cannot be protected one channel at a time (a variant's total minus its
 * shown arms in the other channels would give a hidden arm away): the arms are protected as one
 * two-way table (shared/analytics/privacy.ts `protectTable`). The experiment results and the K
 * of a single arm both ask here, so they hide the same arms.
 */
import { protectTable } from '../../shared/analytics/privacy';
import type { DayWindow } from '../../shared/viral';
import type { Queryable } from '../db/db';
import { readBreakdown, readWindow } from './kCounters';

const lines = (rows: readonly { val: string; inviters: number }[]) => rows.map((r) => ({ key: r.val, people: r.inviters }));

/** The arms hidden over `w`; an arm with no invitations in it is not listed (it has no figures). */
export async function hiddenArms(db: Queryable, w: DayWindow): Promise<Set<string>> {
  const arms = await readBreakdown(db, 'experiment', w);
  const cells = arms.map((a) => {
    const colon = a.val.indexOf(':');
    return { key: a.val, row: a.val.slice(0, colon), col: a.val.slice(colon + 1), people: a.inviters };
  });
  const totals = {
    rows: lines(await readBreakdown(db, 'channel', w)),
    cols: lines(await readBreakdown(db, 'variant', w)),
    total: { people: (await readWindow(db, 'all', '', w)).inviters },
  };
  return new Set(protectTable(cells, totals).flatMap((c) => (c.suppressed ? [c.key] : [])));
}
