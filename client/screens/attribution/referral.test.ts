import { describe, expect, it } from 'vitest';
import type { ReferralTreeNode } from '../../../shared/analytics/snapshots';
import { chainDepthMeaning, people, peopleBelow, referredByText } from './referral';

const node = (userId: string, children: ReferralTreeNode[] = [], hiddenBelow = 0, depth = 1): ReferralTreeNode => ({
  userId,
  name: userId,
  depth,
  revenue: 0,
  children,
  hiddenBelow,
});

describe('referral texts', () => {
  it('a super-connector referrer is named by tier (DESIGN §8)', () => {
    expect(referredByText({ userId: 'u-ritz', name: 'Rita Castell', tier: 'gold' })).toBe('Referred by: Gold Tier Super-Connector');
  });

  it('any other referrer is named', () => {
    expect(referredByText({ userId: 'u-photo', name: 'Pablo Ortiz', tier: null })).toBe('Referred by: Pablo Ortiz');
  });

  it('nobody referred: nothing to say', () => {
    expect(referredByText(null)).toBeNull();
  });

  it('chain depth is explained in plain words', () => {
    expect(chainDepthMeaning(0)).toMatch(/on your own/);
    expect(chainDepthMeaning(1)).toMatch(/directly/);
    expect(chainDepthMeaning(3)).toMatch(/3 invitations away/);
  });

  it('everyone below a node counts the shown people and those beyond the third level', () => {
    const tree = node('root', [node('a', [node('a1', [node('a11', [], 4, 3)], 0, 2)]), node('b')], 0, 0);
    expect(peopleBelow(tree)).toBe(4 + 4);
    expect(people(1)).toBe('1 person');
    expect(people(1200)).toBe('1,200 people');
  });
});
