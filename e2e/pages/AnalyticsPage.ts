import type { Page } from '@playwright/test';

/**
 * The analytics on `/dashboard/viral` (ViralDashboard): K and its "as of" time, the weekly
 * trend chart (a uPlot canvas), the funnel, the breakdown tables (`breakdown-actor`,
 * `breakdown-channel`, `breakdown-variant`), a supplier's `connector-tier` and the owner's
 * `connector-leaderboard`.
 */
export class AnalyticsPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    await this.page.waitForURL('**/dashboard/viral');
  }

  async chooseWindow(days: 7 | 30 | 90): Promise<void> {
    await this.page.getByRole('group', { name: 'Window' }).getByRole('button', { name: `${days} days` }).click();
  }

  get coefficient() {
    return this.page.getByTestId('viral-coefficient');
  }

  get coefficientCard() {
    return this.page.locator('section.k-card');
  }

  get asOf() {
    return this.coefficientCard.getByTestId('as-of');
  }

  get trendCanvas() {
    return this.page.getByTestId('k-trend').locator('canvas');
  }

  get funnel() {
    return this.page.getByTestId('funnel');
  }

  funnelStep(step: 'sent' | 'delivered' | 'opened' | 'accepted') {
    return this.page.getByTestId(`funnel-${step}`);
  }

  breakdown(dimension: 'actor' | 'channel' | 'variant') {
    return this.page.getByTestId(`breakdown-${dimension}`);
  }

  get connectorTier() {
    return this.page.getByTestId('connector-tier');
  }

  get leaderboard() {
    return this.page.getByTestId('connector-leaderboard');
  }
}
