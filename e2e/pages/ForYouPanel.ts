import { type Page } from '@playwright/test';

/**
 * "Invitations for you" (ForYouList): invitations addressed to the signed-in person, each with
 * `data-invitation-id` and `data-status`; `accept-invitation` queues an acceptance (offline
 * too); a refused acceptance shows the server's reason and `discard-acceptance`.
 */
export class ForYouPanel {
  constructor(private readonly page: Page) {}

  row(id: string) {
    return this.page.locator(`[data-testid="for-you-row"][data-invitation-id="${id}"]`);
  }

  async accept(id: string): Promise<void> {
    await this.row(id).getByTestId('accept-invitation').click();
  }

  waitingToSync(id: string) {
    return this.row(id).getByText('Accepted — waiting to sync');
  }

  refusal(id: string) {
    return this.row(id).getByTestId('refusal-reason');
  }

  async discard(id: string): Promise<void> {
    await this.row(id).getByTestId('discard-acceptance').click();
  }
}
