import type { Page } from '@playwright/test';

/**
 * `/admin/delivery` (the owner): the undelivered messages, one `dead-letter` row each (with
 * `data-delivery-id`, `data-invitation-id`, its `dead-letter-reason` and a `send-again` button).
 */
export class DeliveryPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/admin/delivery');
  }

  /** The dead letter of this invitation's message. */
  deadLetter(invitationId: string) {
    return this.page.locator(`[data-testid="dead-letter"][data-invitation-id="${invitationId}"]`);
  }

  async refresh(): Promise<void> {
    await this.page.getByRole('button', { name: 'Refresh' }).click();
  }

  async sendAgain(invitationId: string): Promise<void> {
    await this.deadLetter(invitationId).getByTestId('send-again').click();
  }
}
