import type { Page } from '@playwright/test';

export class DashboardPage {
  constructor(private readonly page: Page) {}

  get coefficient() {
    return this.page.getByTestId('viral-coefficient');
  }

  get inviters() {
    return this.page.getByTestId('inviters');
  }

  get rows() {
    return this.page.getByTestId('invitation-row');
  }

  row(email: string) {
    return this.rows.filter({ hasText: email });
  }

  async invite(email: string, relationship = 'past_client'): Promise<void> {
    await this.page.getByTestId('invite-past-clients').click();
    await this.page.getByTestId('recipient-email').fill(email);
    await this.page.getByTestId('relationship').selectOption(relationship);
    await this.page.getByTestId('send-invitation').click();
  }
}
