import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../random';
import {
  MAX_CHAIN_DEPTH_SHOWN,
  MAX_CHAIN_WALK,
  chainDepth,
  referralTree,
  referredRevenue,
  type ReferralNode,
  type TreeNode,
} from './attribution';

/** Seed for the randomized checks: `SEED=123 npx vitest run shared/analytics` reruns one. */
const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);

/** A random forest: each user's referrer, if any, joined before them, so there is no cycle. */
function randomForest(rng: Rng): ReferralNode[] {
  const n = rng.int(1, 60);
  const chainy = rng.chance(0.5); // long thin chains as well as bushy trees
  const nodes: ReferralNode[] = Array.from({ length: n }, (_, i) => ({
    userId: `u${i}`,
    name: `User ${i}`,
    referrerId: i === 0 || rng.chance(0.15) ? null : `u${chainy ? rng.int(Math.max(0, i - 3), i - 1) : rng.int(0, i - 1)}`,
    revenue: rng.int(0, 20) * 250,
  }));
  // Shuffle, so the input order says nothing about the structure.
  for (let i = nodes.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [nodes[i], nodes[j]] = [nodes[j]!, nodes[i]!];
  }
  return nodes;
}

/** Brute force: how many referral steps from `id` up to `ancestor`, or null if it is not above. */
function distanceUp(nodes: readonly ReferralNode[], id: string, ancestor: string): number | null {
  let steps = 0;
  let current: string | null = id;
  while (current !== null) {
    if (current === ancestor) return steps;
    current = nodes.find((n) => n.userId === current)!.referrerId;
    steps++;
  }
  return null;
}

function flatten(tree: TreeNode): TreeNode[] {
  return [tree, ...tree.children.flatMap(flatten)];
}

function forEachForest(offset: number, check: (rng: Rng, nodes: ReferralNode[]) => void): void {
  const rng = createRng(seed + offset);
  for (let run = 0; run < 400; run++) {
    const nodes = randomForest(rng);
    try {
      check(rng, nodes);
    } catch (err) {
      throw new Error(`failed for ${JSON.stringify(nodes)} (run ${run}; rerun with SEED=${seed}): ${String(err)}`);
    }
  }
}

describe('referral chains', () => {
  it('chain depth is the number of referral steps up to someone not referred, for random forests', () => {
    forEachForest(0, (_rng, nodes) => {
      const referrerOf = (id: string) => nodes.find((n) => n.userId === id)!.referrerId;
      for (const node of nodes) {
        let brute = 0;
        for (let r = node.referrerId; r !== null; r = referrerOf(r)) brute++;
        expect(chainDepth(node.userId, referrerOf)).toBe(brute);
      }
    });
  });

  it('direct referral is 1, not referred is 0', () => {
    const referrer: Record<string, string | null> = { couple: 'venue', venue: null };
    expect(chainDepth('couple', (id) => referrer[id] ?? null)).toBe(1);
    expect(chainDepth('venue', (id) => referrer[id] ?? null)).toBe(0);
  });

  it('a cycle throws a RangeError that names it, whether the walk starts on it or leads into it', () => {
    const ring: Record<string, string> = { a: 'b', b: 'c', c: 'a', x: 'b' };
    expect(() => chainDepth('a', (id) => ring[id] ?? null)).toThrow(new RangeError('referral cycle: a → b → c → a'));
    expect(() => chainDepth('x', (id) => ring[id] ?? null)).toThrow(new RangeError('referral cycle: b → c → a → b'));
    expect(() => chainDepth('self', () => 'self')).toThrow(new RangeError('referral cycle: self → self'));
  });

  it('an endless chain of new users stops at 1000', () => {
    let calls = 0;
    const depth = chainDepth('u', (id) => {
      calls++;
      return `${id}'`;
    });
    expect(depth).toBe(MAX_CHAIN_WALK);
    expect(calls).toBe(1000);
  });
});

describe('referral tree', () => {
  it('shows everyone within 3 levels once, at their depth, and counts who is cut off beneath, for random forests', () => {
    forEachForest(1, (rng, nodes) => {
      const root = rng.pick(nodes).userId;
      const tree = referralTree(root, nodes);
      const shown = flatten(tree);
      const expected = nodes
        .map((n) => ({ id: n.userId, d: distanceUp(nodes, n.userId, root) }))
        .filter((x) => x.d !== null && x.d <= MAX_CHAIN_DEPTH_SHOWN);
      expect(shown.map((t) => t.userId).sort()).toEqual(expected.map((x) => x.id).sort());
      for (const t of shown) {
        const node = nodes.find((n) => n.userId === t.userId)!;
        expect(t.depth).toBe(distanceUp(nodes, t.userId, root));
        expect(t.depth).toBeLessThanOrEqual(3);
        expect([t.name, t.revenue]).toEqual([node.name, node.revenue]);
        for (const child of t.children) expect(nodes.find((n) => n.userId === child.userId)!.referrerId).toBe(t.userId);
        // Cut off beneath t: people below t, more than 3 levels below the root.
        const below = nodes.filter((n) => n.userId !== t.userId && distanceUp(nodes, n.userId, t.userId) !== null);
        const hidden = below.filter((n) => distanceUp(nodes, n.userId, root)! > MAX_CHAIN_DEPTH_SHOWN).length;
        expect(t.hiddenBelow).toBe(t.depth === MAX_CHAIN_DEPTH_SHOWN ? hidden : 0);
      }
    });
  });

  it('a worked example: a venue, two couples, a chain four deep → the third level says +2 more', () => {
    const nodes: ReferralNode[] = [
      { userId: 'ritz', name: 'The Ritz', referrerId: null, revenue: 0 },
      { userId: 'ann', name: 'Ann', referrerId: 'ritz', revenue: 1000 },
      { userId: 'bob', name: 'Bob', referrerId: 'ritz', revenue: 500 },
      { userId: 'cat', name: 'Cat', referrerId: 'ann', revenue: 200 },
      { userId: 'dan', name: 'Dan', referrerId: 'cat', revenue: 300 },
      { userId: 'eve', name: 'Eve', referrerId: 'dan', revenue: 50 },
      { userId: 'fay', name: 'Fay', referrerId: 'dan', revenue: 25 },
    ];
    const tree = referralTree('ritz', nodes);
    expect(tree.children.map((c) => c.userId)).toEqual(['ann', 'bob']);
    const dan = tree.children[0]!.children[0]!.children[0]!;
    expect(dan).toEqual({ userId: 'dan', name: 'Dan', depth: 3, revenue: 300, children: [], hiddenBelow: 2 });
    expect(referralTree('ritz', nodes, 1).children.map((c) => [c.userId, c.hiddenBelow])).toEqual([['ann', 4], ['bob', 0]]);
    expect(referredRevenue('ritz', nodes)).toEqual({ direct: 1500, indirect: 500, byLevel: [1500, 200, 300] });
    expect(referredRevenue('ritz', nodes, 4).byLevel).toEqual([1500, 200, 300, 75]);
    expect(referredRevenue('bob', nodes)).toEqual({ direct: 0, indirect: 0, byLevel: [0, 0, 0] });
  });

  it('refuses more than 3 levels, an unknown root, duplicate users and a cycle through the root', () => {
    const nodes: ReferralNode[] = [{ userId: 'a', name: 'A', referrerId: null, revenue: 0 }];
    expect(() => referralTree('a', nodes, 4)).toThrow(RangeError);
    expect(() => referralTree('nobody', nodes)).toThrow(RangeError);
    expect(() => referralTree('a', [...nodes, ...nodes])).toThrow(RangeError);
    const ring: ReferralNode[] = ['a', 'b', 'c', 'd', 'e'].map((id, i, all) => ({
      userId: id,
      name: id,
      referrerId: all[(i + 1) % all.length]!,
      revenue: 1,
    }));
    expect(() => referralTree('a', ring)).toThrow(RangeError);
    expect(() => referredRevenue('a', ring, 10)).toThrow(RangeError);
  });
});

describe('referred revenue', () => {
  it('equals brute-force sums by level, direct at level 1, indirect over levels 2..maxLevels', () => {
    forEachForest(2, (rng, nodes) => {
      const root = rng.pick(nodes).userId;
      const maxLevels = rng.int(1, 6);
      const got = referredRevenue(root, nodes, maxLevels);
      const brute = Array.from({ length: maxLevels }, (_, i) =>
        nodes.filter((n) => distanceUp(nodes, n.userId, root) === i + 1).reduce((s, n) => s + n.revenue, 0),
      );
      expect(got.byLevel).toEqual(brute);
      expect(got.direct).toBe(brute[0]);
      expect(got.indirect).toBe(brute.slice(1).reduce((s, r) => s + r, 0));
    });
  });
});
