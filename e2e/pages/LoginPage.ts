import type { Page } from '@playwright/test';
import { DEMO_PASSWORD } from '../../server/demo/seed';

export class LoginPage {
  constructor(private readonly page: Page) {}

  async signIn(email: string, password = DEMO_PASSWORD): Promise<void> {
    await this.page.goto('/login');
    await this.page.getByTestId('login-email').fill(email);
    await this.page.getByTestId('login-password').fill(password);
    await this.page.getByTestId('login-submit').click();
    await this.page.waitForURL('**/dashboard/viral');
  }
}
