import { expect, type Page } from '@playwright/test';

/** The header every signed-in screen shows: quick invite and the sync state. */
export class AppHeader {
  constructor(private readonly page: Page) {}

  get indicator() {
    return this.page.getByTestId('sync-indicator');
  }

  async quickInvite(email: string): Promise<void> {
    await this.page.getByTestId('invite-offline').click();
    await this.page.getByTestId('offline-recipient').fill(email);
    await this.page.getByTestId('send-offline-invitation').click();
  }

  async expectSyncComplete(): Promise<void> {
    await expect(this.indicator.getByText('Sync complete')).toBeVisible();
  }
}
