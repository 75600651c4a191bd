import type { ReferralTreeNode } from '../../../shared/analytics/snapshots';
import { formatDollars } from '../viral/format';
import { people, peopleBelow } from './referral';

/**
 * The people a user referred, at most 3 levels deep (DESIGN §6), as a nested list a screen
 * reader walks like any list; the lines that make it look like a tree are CSS. Someone with
 * more people beneath than are shown says "+N more" without naming them. What a person booked
 * shows for the user's own referrals only (the snapshot carries no figure below them).
 */
function Branch({ node }: { node: ReferralTreeNode }) {
  const below = peopleBelow(node);
  return (
    <li data-user-id={node.userId} data-depth={node.depth}>
      <span className="tree-node">
        <span className="tree-name">{node.name}</span>
        {node.revenue !== null && node.revenue > 0 && <span className="muted"> · {formatDollars(node.revenue)} in bookings</span>}
        {below > 0 && <span className="visually-hidden">, referred {people(below)}</span>}
      </span>
      {(node.children.length > 0 || node.hiddenBelow > 0) && (
        <ul>
          {node.children.map((child) => (
            <Branch key={child.userId} node={child} />
          ))}
          {node.hiddenBelow > 0 && (
            <li className="tree-more" data-testid="tree-more">
              +{node.hiddenBelow.toLocaleString('en-US')} more
            </li>
          )}
        </ul>
      )}
    </li>
  );
}

export function ReferralTree({ root }: { root: ReferralTreeNode }) {
  if (root.children.length === 0 && root.hiddenBelow === 0) {
    return <p className="muted">Nobody has joined through you yet. When someone accepts your invitation, they appear here.</p>;
  }
  return (
    <ul className="referral-tree" data-testid="referral-tree" aria-label="People you referred">
      {root.children.map((child) => (
        <Branch key={child.userId} node={child} />
      ))}
      {root.hiddenBelow > 0 && <li className="tree-more">+{root.hiddenBelow.toLocaleString('en-US')} more</li>}
    </ul>
  );
}
