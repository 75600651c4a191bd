/**
 * How the referral screen words a user's referral facts (their `user:<id>` snapshot).
 * Pure, so the exact texts of DESIGN §8 are unit-tested.
 */
import type { ReferralTreeNode, UserData } from '../../../shared/analytics/snapshots';
import { tierLabel } from '../../../shared/analytics/superConnector';

/** `Referred by: Gold Tier Super-Connector` for a super-connector, else their name; null when nobody referred the user. */
export function referredByText(referredBy: UserData['referredBy']): string | null {
  if (!referredBy) return null;
  return referredBy.tier ? `Referred by: ${tierLabel(referredBy.tier)} Tier Super-Connector` : `Referred by: ${referredBy.name}`;
}

/** Everyone below the node, shown or not (the tree shows 3 levels; deeper people are counted in `hiddenBelow`). */
export function peopleBelow(node: ReferralTreeNode): number {
  return node.children.reduce((sum, child) => sum + 1 + peopleBelow(child), node.hiddenBelow);
}

/** `1 person` / `3 people`. */
export function people(n: number): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'person' : 'people'}`;
}

/** What chain depth means for this user, in plain words. */
export function chainDepthMeaning(depth: number): string {
  if (depth === 0) return 'You joined on your own: nobody referred you.';
  if (depth === 1) return 'Someone invited you directly.';
  return `You are ${depth} invitations away from the start of your chain.`;
}
