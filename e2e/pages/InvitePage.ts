import { expect, type Page } from '@playwright/test';

/**
 * The couple's side (client/invite/): `/invite/:code` shows who invited them and takes a
 * sign-up (`signup-name`, `signup-email`, `signup-password`, `complete-signup`) or, signed in,
 * `accept-invitation`; `/join` takes a short code first (`short-code`, `check-short-code`).
 */
export class InvitePage {
  constructor(private readonly page: Page) {}

  get invitedBy() {
    return this.page.getByTestId('invited-by');
  }

  get accepted() {
    return this.page.getByTestId('invite-accepted');
  }

  async signUp(name: string, email: string, password = 'couple-password'): Promise<void> {
    await this.page.getByTestId('signup-name').fill(name);
    await this.page.getByTestId('signup-email').fill(email);
    await this.page.getByTestId('signup-password').fill(password);
    await this.page.getByTestId('complete-signup').click();
  }

  async enterShortCode(code: string): Promise<void> {
    await this.page.goto('/join');
    await this.page.getByTestId('short-code').fill(code);
    await this.page.getByTestId('check-short-code').click();
    await expect(this.invitedBy).toBeVisible();
  }
}
