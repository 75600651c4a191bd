import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../random';
import { MIN_PEOPLE, SUPPRESSED_LABEL, isSuppressed, protectBreakdown, protectOne, protectTotal } from './privacy';

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
