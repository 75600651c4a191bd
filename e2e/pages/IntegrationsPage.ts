import type { Page } from '@playwright/test';

/** `/admin/integrations`: webhook endpoints, the secret shown once, delivery logs, exports. */
export class IntegrationsPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/admin/integrations');
  }

  /** Adds an endpoint for these event types (the form starts with invitation.accepted ticked). */
  async addEndpoint(url: string, eventTypes: string[], description = ''): Promise<void> {
    await this.page.getByTestId('webhook-url').fill(url);
    await this.page.getByTestId('webhook-description').fill(description);
    for (const box of await this.page.getByTestId('event-type-picker').getByRole('checkbox').all()) await box.uncheck();
    for (const t of eventTypes) await this.page.getByTestId(`event-type-${t}`).check();
    await this.page.getByTestId('add-webhook').click();
  }

  get secret() {
    return this.page.getByTestId('webhook-secret');
  }

  endpoint(url: string) {
    return this.page.getByTestId('endpoint-card').filter({ hasText: url });
  }

  /** Opens an endpoint's delivery log and returns its attempt rows. */
  async log(url: string) {
    const card = this.endpoint(url);
    const toggle = card.getByTestId('show-delivery-log');
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    return card.getByTestId('delivery-attempt');
  }

  get notices() {
    return this.page.getByTestId('webhook-notice');
  }
}
