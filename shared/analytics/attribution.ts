/**
 * Referral chains (DESIGN §4, §6). An accepted invitation makes the inviter the referrer of the
 * new user; following referrers gives a chain, whose depth is 1 for a direct referral and 0
 * for someone nobody referred.
 *
 * - `chainDepth` walks up at most 1000 steps (a longer chain reports 1000) and throws a
 *   RangeError naming the users on a cycle (a referral ring, or bad data) instead of looping.
 * - `referralTree` shows at most 3 levels below the root (the privacy limit); a node on the
 *   last shown level reports in `hiddenBelow` how many people sit beneath it, so the UI can
 *   say "+4 more" without naming them. Children keep the order of the input nodes.
 * - `referredRevenue` adds up the revenue of the people the root referred: direct (level 1)
 *   and indirect (levels 2..maxLevels), with one figure per level; `levelFigures` gives each
 *   level's revenue with the number of people in it who booked (revenue > 0).
 * - `creditUp` is the same definition seen from the bookers: each booker's revenue is credited
 *   to the referrers above them, up to 3 levels up (their referrer as direct revenue, the next
 *   two as indirect). A booker deeper in a chain still counts for the 3 nearest referrers, never
 *   for the ones further up. For every referrer, `creditUp` and `levelFigures` agree (tested).
 * - `hideRevenueBelow` keeps the tree's names and shape but drops each person's revenue below
 *   a level (the referral tracker shows no one's own bookings: each is a figure about one person).
 * Duplicate user ids and cycles below the root throw a RangeError.
 */
import type { LevelFigure } from './privacy';

export const MAX_CHAIN_DEPTH_SHOWN = 3;
/** The longest chain `chainDepth` follows. */
export const MAX_CHAIN_WALK = 1000;

export interface ReferralNode {
  userId: string;
  name: string;
  referrerId: string | null;
  revenue: number;
}

export interface TreeNode {
  userId: string;
  name: string;
  /** 0 for the root, 1 for the people it referred directly, … */
  depth: number;
  revenue: number;
  children: TreeNode[];
  /** People beneath this node who are not shown (non-zero only on the last shown level). */
  hiddenBelow: number;
}

function cycleError(path: readonly string[], from: number): RangeError {
  return new RangeError(`referral cycle: ${[...path.slice(from), path[from]].join(' → ')}`);
}

/** 1 for a direct referral, 0 for someone not referred, capped at MAX_CHAIN_WALK. */
export function chainDepth(userId: string, referrerOf: (id: string) => string | null): number {
  const path = [userId];
  const position = new Map([[userId, 0]]);
  let current = userId;
  for (let depth = 0; depth < MAX_CHAIN_WALK; depth++) {
    const referrer = referrerOf(current);
    if (referrer === null) return depth;
    const seen = position.get(referrer);
    if (seen !== undefined) throw cycleError(path, seen);
    position.set(referrer, path.length);
    path.push(referrer);
    current = referrer;
  }
  return MAX_CHAIN_WALK;
}

interface Index {
  byId: Map<string, ReferralNode>;
  childrenOf: Map<string, ReferralNode[]>;
}

function indexNodes(nodes: readonly ReferralNode[]): Index {
  const byId = new Map<string, ReferralNode>();
  const childrenOf = new Map<string, ReferralNode[]>();
  for (const node of nodes) {
    if (byId.has(node.userId)) throw new RangeError(`user ${node.userId} appears twice`);
    byId.set(node.userId, node);
    if (node.referrerId === null) continue;
    const siblings = childrenOf.get(node.referrerId);
    if (siblings) siblings.push(node);
    else childrenOf.set(node.referrerId, [node]);
  }
  return { byId, childrenOf };
}

/**
 * Everyone beneath `rootId`, level by level: levels[0] are the people it referred directly.
 * Stops after `maxLevels` levels, or goes all the way down with Infinity.
 */
function levelsBelow(rootId: string, index: Index, maxLevels: number): ReferralNode[][] {
  const levels: ReferralNode[][] = [];
  const visited = new Set([rootId]);
  let frontier = [rootId];
  while (frontier.length > 0 && levels.length < maxLevels) {
    const next: ReferralNode[] = [];
    for (const id of frontier) {
      for (const child of index.childrenOf.get(id) ?? []) {
        // Each node has one referrer, so the only way back is a cycle through the root.
        if (visited.has(child.userId)) throw new RangeError(`referral cycle through ${rootId}`);
        visited.add(child.userId);
        next.push(child);
      }
    }
    if (next.length > 0) levels.push(next);
    frontier = next.map((n) => n.userId);
  }
  return levels;
}

function assertLevels(name: string, n: number, max: number): void {
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new RangeError(`${name} must be an integer from 0 to ${max}, got ${n}`);
  }
}

/**
 * The root and the people it referred, at most `maxDepth` levels down (never more than
 * MAX_CHAIN_DEPTH_SHOWN: the privacy limit). Throws a RangeError for an unknown root.
 */
export function referralTree(rootId: string, nodes: readonly ReferralNode[], maxDepth = MAX_CHAIN_DEPTH_SHOWN): TreeNode {
  assertLevels('maxDepth', maxDepth, MAX_CHAIN_DEPTH_SHOWN);
  const index = indexNodes(nodes);
  const root = index.byId.get(rootId);
  if (!root) throw new RangeError(`unknown user ${rootId}`);
  const build = (node: ReferralNode, depth: number): TreeNode => {
    const shown = depth < maxDepth;
    const kids = index.childrenOf.get(node.userId) ?? [];
    return {
      userId: node.userId,
      name: node.name,
      depth,
      revenue: node.revenue,
      children: shown ? kids.map((kid) => build(kid, depth + 1)) : [],
      hiddenBelow: shown || kids.length === 0 ? 0 : levelsBelow(node.userId, index, Infinity).flat().length,
    };
  };
  levelsBelow(rootId, index, maxDepth); // throws on a cycle through the root before building
  return build(root, 0);
}

/**
 * Revenue of the people `rootId` referred: byLevel[0] is level 1 (direct), byLevel[i] level
 * i + 1; `byLevel` always has `maxLevels` entries. The root need not be among the nodes.
 */
export function referredRevenue(
  rootId: string,
  nodes: readonly ReferralNode[],
  maxLevels = MAX_CHAIN_DEPTH_SHOWN,
): { direct: number; indirect: number; byLevel: number[] } {
  assertLevels('maxLevels', maxLevels, MAX_CHAIN_WALK);
  const levels = levelsBelow(rootId, indexNodes(nodes), maxLevels);
  const byLevel = Array.from({ length: maxLevels }, (_, i) =>
    (levels[i] ?? []).reduce((sum, node) => sum + node.revenue, 0),
  );
  const [direct = 0, ...rest] = byLevel;
  return { direct, indirect: rest.reduce((sum, r) => sum + r, 0), byLevel };
}

/**
 * Each level's revenue below `rootId` with the number of its people who booked (revenue > 0):
 * `maxLevels` entries, level 1 first. The root need not be among the nodes.
 */
export function levelFigures(rootId: string, nodes: readonly ReferralNode[], maxLevels = MAX_CHAIN_DEPTH_SHOWN): LevelFigure[] {
  assertLevels('maxLevels', maxLevels, MAX_CHAIN_WALK);
  const levels = levelsBelow(rootId, indexNodes(nodes), maxLevels);
  return Array.from({ length: maxLevels }, (_, i) => ({
    people: (levels[i] ?? []).filter((n) => n.revenue > 0).length,
    revenue: (levels[i] ?? []).reduce((sum, n) => sum + n.revenue, 0),
  }));
}

/** Someone who booked, with their revenue (all their bookings). */
export interface Booker {
  userId: string;
  revenue: number;
}

/** What one referrer is credited with. */
export interface Credit {
  /** `maxLevels` figures, level 1 first, as `levelFigures` gives them. */
  levels: LevelFigure[];
  /** The level-1 referrers of the bookers credited here at level 2 or deeper (whose direct revenue adds up to the indirect). */
  through: Set<string>;
}

/**
 * The referrers each booker's revenue is credited to: their referrer (level 1), that one's
 * referrer (level 2), and so on up to `maxLevels`. The walk up stops early at someone nobody
 * referred, and at a cycle (a referrer met twice, or the booker again). Returns the credit of
 * every referrer credited with anything. Duplicate bookers throw a RangeError.
 */
export function creditUp(bookers: readonly Booker[], referrerOf: (id: string) => string | null, maxLevels = MAX_CHAIN_DEPTH_SHOWN): Map<string, Credit> {
  assertLevels('maxLevels', maxLevels, MAX_CHAIN_WALK);
  const seenBookers = new Set<string>();
  const credit = new Map<string, Credit>();
  for (const booker of bookers) {
    if (seenBookers.has(booker.userId)) throw new RangeError(`booker ${booker.userId} appears twice`);
    seenBookers.add(booker.userId);
    const chain = new Set([booker.userId]);
    let current = booker.userId;
    let first: string | null = null;
    for (let level = 0; level < maxLevels; level++) {
      const up = referrerOf(current);
      if (up === null || chain.has(up)) break;
      chain.add(up);
      first ??= up;
      let c = credit.get(up);
      if (!c) credit.set(up, (c = { levels: Array.from({ length: maxLevels }, () => ({ people: 0, revenue: 0 })), through: new Set() }));
      c.levels[level]!.people += booker.revenue > 0 ? 1 : 0;
      c.levels[level]!.revenue += booker.revenue;
      if (level > 0) c.through.add(first);
      current = up;
    }
  }
  return credit;
}

/** A tree node as shown: revenue null below the level where it stops being shown. */
export interface ShownTreeNode extends Omit<TreeNode, 'revenue' | 'children'> {
  revenue: number | null;
  children: ShownTreeNode[];
}

/** The tree with each person's revenue dropped below `level` (names, shape and counts stay). */
export function hideRevenueBelow(tree: TreeNode, level: number): ShownTreeNode {
  return { ...tree, revenue: tree.depth > level ? null : tree.revenue, children: tree.children.map((c) => hideRevenueBelow(c, level)) };
}
