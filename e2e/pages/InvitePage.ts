import { expect, type Page } from '@playwright/test';

/**
 * The couple's side (client/invite/): `/invite/:code` shows who invited them and takes a
 * sign-up after `accept-invitation` (`signup-name`, `signup-email`, `signup-password`,
 * `complete-signup`) or, signed in, accepts with `accept-invitation`; `/join` takes a short
 * code first (`short-code`, `check-short-code`).
 */
export class InvitePage {
  constructor(private readonly page: Page) {}

  get invitedBy() {
    return this.page.getByTestId('invited-by');
  }

  get accepted() {
    return this.page.getByTestId('invite-accepted');
  }

  /** `accept-invitation`: signed in, accepts; a newcomer is shown the sign-up form. */
  async accept(): Promise<void> {
    await this.page.getByTestId('accept-invitation').click();
  }

  /** On `/invite/:code` a newcomer taps accept first (done here if not yet); `/join` shows the form at once. */
  async signUp(name: string, email: string, password = 'couple-password'): Promise<void> {
    const accept = this.page.getByTestId('accept-invitation');
    if (await accept.isVisible()) await accept.click();
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
