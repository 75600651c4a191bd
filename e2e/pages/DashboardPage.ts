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

  /** Invites by SMS or WhatsApp: the channel chosen in the form, with the mobile number as typed. */
  async inviteByPhone(email: string, channel: 'sms' | 'whatsapp', phone: string): Promise<void> {
    await this.page.getByTestId('invite-past-clients').click();
    await this.page.getByTestId('recipient-email').fill(email);
    await this.page.getByTestId('channel').selectOption(channel);
    await this.page.getByTestId('recipient-phone').fill(phone);
    await this.page.getByTestId('send-invitation').click();
  }
}
