import type { Page } from '@playwright/test';

/** `/dashboard/attribution` (ReferralTracker): who referred the user, the chain depth, the tree and referred revenue. */
export class ReferralPage {
  constructor(private readonly page: Page) {}

  /** Goes there the way a person does: the header's "Referrals" link. */
  async open(): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Referrals' }).click();
    await this.page.waitForURL('**/dashboard/attribution');
  }

  get referredBy() {
    return this.page.getByTestId('referred-by');
  }

  get chainDepth() {
    return this.page.getByTestId('viral-chain-depth');
  }

  get tree() {
    return this.page.getByTestId('referral-tree');
  }

  get revenue() {
    return this.page.getByRole('heading', { name: /^Referred Revenue: / });
  }
}
