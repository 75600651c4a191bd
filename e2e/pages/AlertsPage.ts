import type { Page } from '@playwright/test';

/** `/admin/alerts`: open alerts (live), the resolved history, recent errors. */
export class AlertsPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/admin/alerts');
    await this.page.getByTestId('alerts-screen').waitFor();
  }

  /** The open alert of a condition (shared/alerts.ts: alertKeys). */
  openAlert(key: string) {
    return this.page.locator(`[data-testid="open-alert"][data-key="${key}"]`);
  }

  resolvedAlert(key: string) {
    return this.page.locator(`[data-testid="resolved-alert"][data-key="${key}"]`);
  }

  /** Resolves once the first read has answered (the list, or all clear). */
  async loaded(): Promise<void> {
    await this.page.locator('[data-testid="open-alerts"], [data-testid="all-clear"]').first().waitFor();
  }

  async refresh(): Promise<void> {
    await this.page.getByRole('button', { name: 'Refresh' }).click();
  }

  recentErrors(source: 'server' | 'client') {
    return this.page.locator(`[data-testid="recent-error"][data-source="${source}"]`);
  }
}
