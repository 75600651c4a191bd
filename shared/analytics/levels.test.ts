/**
 * Revenue by level of a referral chain, from both ends (the referrer's tree and the bookers'
 * credit), what a referrer may see of it, and the windows' differences beside weekly cohorts.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { addDays, weeklyCohorts, windowChoices, windowEnding } from '../viral';
import { creditUp, hideRevenueBelow, levelFigures, referralTree, type ReferralNode } from './attribution';
import { protectLevels, protectPeriods, windowDifferences } from './privacy';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);

function randomForest(rng: ReturnType<typeof createRng>): ReferralNode[] {
  const n = rng.int(1, 60);
  return Array.from({ length: n }, (_, i) => ({
    userId: `u${i}`,
    name: `User ${i}`,
    referrerId: i === 0 || rng.chance(0.15) ? null : `u${rng.int(Math.max(0, i - 4), i - 1)}`,
    revenue: rng.chance(0.4) ? 0 : rng.int(1, 20) * 250,
  }));
}

describe('credit up the chain (creditUp) and revenue down the tree (levelFigures)', () => {
  it('agree for every referrer of random forests: a booking is credited to the 3 nearest referrers above the booker, no further', () => {
    const rng = createRng(seed);
    for (let run = 0; run < 300; run++) {
      const nodes = randomForest(rng);
      const referrerOf = new Map(nodes.map((n) => [n.userId, n.referrerId]));
      const credit = creditUp(nodes.filter((n) => n.revenue > 0).map((n) => ({ userId: n.userId, revenue: n.revenue })), (id) => referrerOf.get(id) ?? null);
      for (const n of nodes) {
        const down = levelFigures(n.userId, nodes);
        const up = credit.get(n.userId)?.levels ?? [0, 0, 0].map(() => ({ people: 0, revenue: 0 }));
        expect(up, `seed ${seed}, run ${run}, ${n.userId}`).toEqual(down);
      }
    }
  });

  it('a chain four deep: the booker at the bottom is credited to the 3 above, not the top; `through` names the direct referrers in between', () => {
    // top → a → b → c → booker
    const up: Record<string, string | null> = { booker: 'c', c: 'b', b: 'a', a: 'top', top: null };
    const credit = creditUp([{ userId: 'booker', revenue: 100 }], (id) => up[id] ?? null);
    expect([...credit.keys()]).toEqual(['c', 'b', 'a']);
    expect(credit.get('a')!.levels).toEqual([{ people: 0, revenue: 0 }, { people: 0, revenue: 0 }, { people: 1, revenue: 100 }]);
    expect([...credit.get('a')!.through]).toEqual(['c']);
    expect(credit.get('c')!.through.size).toBe(0);
  });

  it('stops at a cycle instead of crediting the booker to themselves', () => {
    const up: Record<string, string> = { a: 'b', b: 'a' };
    const credit = creditUp([{ userId: 'a', revenue: 5 }], (id) => up[id] ?? null);
    expect([...credit.keys()]).toEqual(['b']);
    expect(() => creditUp([{ userId: 'a', revenue: 1 }, { userId: 'a', revenue: 2 }], () => null)).toThrow(RangeError);
  });
});

describe('what a referrer sees of the revenue below them (protectLevels)', () => {
  const level = (people: number, revenue = people * 100) => ({ people, revenue });

  it('nobody booked: zeros, not "fewer than 5"', () => {
    expect(protectLevels([level(0), level(0), level(0)])).toEqual({ people: 0, total: 0, direct: 0, indirect: 0, byLevel: [0, 0, 0], suppressed: false });
  });

  it('fewer than 5 bookers in all: nothing shows', () => {
    expect(protectLevels([level(3), level(1), level(0)])).toMatchObject({ people: null, total: null, direct: null, indirect: null, byLevel: [null, null, null], suppressed: true });
  });

  it('direct under 5 bookers hides indirect with it (total − direct would give it), and the levels below', () => {
    expect(protectLevels([level(2), level(6), level(5)])).toEqual({ people: 13, total: 1300, direct: null, indirect: null, byLevel: [null, null, null], suppressed: false });
  });

  it('indirect under 5 bookers, however split over levels 2 and 3, hides direct with it', () => {
    // Two small levels below (2 and 1) must not show as total − direct.
    expect(protectLevels([level(5), level(2), level(1)])).toMatchObject({ total: 800, direct: null, indirect: null, byLevel: [null, null, null] });
  });

  it('a small level below a shown indirect takes the other level with it; an empty level shows 0', () => {
    expect(protectLevels([level(5), level(6), level(2)])).toMatchObject({ direct: 500, indirect: 800, byLevel: [500, null, null] });
    expect(protectLevels([level(5), level(6), level(0)])).toMatchObject({ direct: 500, indirect: 600, byLevel: [500, 600, 0] });
    expect(protectLevels([level(5), level(0), level(0)])).toMatchObject({ direct: 500, indirect: 0, byLevel: [500, 0, 0] });
  });

  it('never shows a figure, or a difference of two shown figures, over 1 to 4 bookers (random levels)', () => {
    const rng = createRng(seed + 1);
    for (let run = 0; run < 2000; run++) {
      const levels = [0, 1, 2].map(() => level(rng.int(0, 9), rng.int(0, 50) * 100));
      const p = protectLevels(levels);
      const shown: Array<[number, number]> = []; // [people, figure] of every shown figure
      if (p.total !== null) shown.push([levels.reduce((s, l) => s + l.people, 0), p.total]);
      if (p.direct !== null) shown.push([levels[0]!.people, p.direct]);
      if (p.indirect !== null) shown.push([levels[1]!.people + levels[2]!.people, p.indirect]);
      p.byLevel.forEach((f, i) => f !== null && shown.push([levels[i]!.people, f]));
      const ok = (n: number) => n === 0 || n >= 5;
      for (const [a] of shown) expect(ok(a), `seed ${seed + 1} ${JSON.stringify(levels)}`).toBe(true);
      // Nested figures: total ⊃ direct, indirect ⊃ levels 2 and 3.
      if (p.total !== null && p.direct !== null) expect(ok(levels[1]!.people + levels[2]!.people)).toBe(true);
      if (p.indirect !== null && p.byLevel[1] !== null) expect(ok(levels[2]!.people)).toBe(true);
      if (p.indirect !== null && p.byLevel[2] !== null) expect(ok(levels[1]!.people)).toBe(true);
    }
  });

  it("the tree keeps everyone's name but drops revenue below the level asked", () => {
    const nodes: ReferralNode[] = [
      { userId: 'r', name: 'R', referrerId: null, revenue: 0 },
      { userId: 'a', name: 'A', referrerId: 'r', revenue: 300 },
      { userId: 'b', name: 'B', referrerId: 'a', revenue: 200 },
      { userId: 'c', name: 'C', referrerId: 'b', revenue: 100 },
    ];
    const tree = hideRevenueBelow(referralTree('r', nodes), 1);
    const a = tree.children[0]!;
    expect([a.name, a.revenue, a.children[0]!.name, a.children[0]!.revenue, a.children[0]!.children[0]!.revenue]).toEqual(['A', 300, 'B', null, null]);
    const none = hideRevenueBelow(referralTree('r', nodes), 0).children[0]!;
    expect([none.name, none.revenue, none.children[0]!.name, none.children[0]!.revenue]).toEqual(['A', null, 'B', null]);
  });
});

describe('differences of the published windows beside weekly cohorts', () => {
  it('each longer window minus a shorter one ending the same day is the run of days between their starts', () => {
    const w = (days: number) => windowEnding('2026-03-17', days);
    expect(windowDifferences([w(7), w(30), w(90)])).toEqual([
      { start: w(30).start, end: addDays(w(7).start, -1), people: Number.NaN },
      { start: w(90).start, end: addDays(w(7).start, -1), people: Number.NaN },
      { start: w(90).start, end: addDays(w(30).start, -1), people: Number.NaN },
    ]);
    expect(windowDifferences([w(7), windowEnding('2026-03-16', 30)])).toEqual([]);
  });

  it('a difference spanning whole weeks makes a lone small week in it take a complement, even when each window is protected', () => {
    // Windows of 14 and 28 days ending on a Sunday (today): weeks 3–4 and 1–4. Weeks 2, 3 and 4
    // are small. Each window has more than one hidden week, but 28 − 14 days is weeks 1–2, where
    // week 2 would be alone: the difference minus week 1 would give it.
    const sunday = '2026-03-22';
    const weeks = weeklyCohorts(new Date(`${sunday}T12:00:00Z`), 4).map((x, i) => ({ ...x, people: [9, 3, 2, 1][i]! }));
    const windows = [windowEnding(sunday, 14), windowEnding(sunday, 28)].map((x) => ({ ...x, people: 15 }));
    expect(protectPeriods(weeks, windows, sunday).map((p) => p.suppressed)).toEqual([false, true, true, true]);
    expect(protectPeriods(weeks, [...windows, ...windowDifferences(windows)], sunday).map((p) => p.suppressed)).toEqual([true, true, true, true]);
  });

  it('with 7, 30 and 90 days no difference spans whole weeks on any weekday (were they to, protectPeriods has them)', () => {
    for (let d = 0; d < 7; d++) {
      const today = addDays('2026-03-16', d); // a Monday, then each day of that week
      const weeks = weeklyCohorts(new Date(`${today}T12:00:00Z`), 14);
      const diffs = windowDifferences(windowChoices.map((days) => windowEnding(today, days)));
      const whole = diffs.filter((x) => weeks.some((w) => w.start === x.start) && weeks.some((w) => w.end === x.end));
      expect(whole, today).toEqual([]);
    }
  });
});
