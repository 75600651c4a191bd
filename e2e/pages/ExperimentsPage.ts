import type { Page } from '@playwright/test';

/**
 * `/admin/experiments`: channel tabs, the results table and chart (the winner with its promote
 * button, the split warning), the settings, the template editor with its preview; and the
 * header's Experiments link with its winner badge.
 */
export class ExperimentsPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/admin/experiments');
  }

  async channel(name: 'email' | 'sms' | 'whatsapp'): Promise<void> {
    await this.page.getByTestId(`channel-${name}`).click();
  }

  /** The header's link to this screen (it carries the winner badge). */
  get navLink() {
    return this.page.getByRole('navigation', { name: 'Main' }).getByTestId('nav-experiments');
  }

  get winnerBadge() {
    return this.navLink.getByTestId('experiments-winner-badge');
  }

  get winner() {
    return this.page.getByTestId('experiment-winner');
  }

  async promote(): Promise<void> {
    await this.page.getByTestId('promote-variant').click();
  }

  get concluded() {
    return this.page.getByTestId('experiment-concluded');
  }

  get srmWarning() {
    return this.page.getByTestId('srm-warning');
  }

  get mode() {
    return this.page.getByTestId('experiment-mode');
  }

  get notice() {
    return this.page.getByTestId('experiment-notice');
  }

  get results() {
    return this.page.getByTestId('experiment-results');
  }

  variantRow(name: string) {
    return this.page.locator(`[data-testid="variant-row"][data-variant="${name}"]`);
  }

  get chart() {
    return this.page.getByTestId('experiment-chart').locator('canvas');
  }

  async editVariant(name: string, template: { subject?: string; body?: string }): Promise<void> {
    await this.page.getByTestId('template-variant').selectOption(name);
    if (template.subject !== undefined) await this.page.getByTestId('template-subject').fill(template.subject);
    if (template.body !== undefined) await this.page.getByTestId('template-body').fill(template.body);
  }

  async save(): Promise<void> {
    await this.page.getByTestId('save-template').click();
  }

  get previewSubject() {
    return this.page.getByTestId('preview-subject');
  }

  get previewBody() {
    return this.page.getByTestId('preview-body');
  }

  get previewLink() {
    return this.page.getByTestId('preview-link');
  }

  get problems() {
    return this.page.getByTestId('template-problems');
  }

  get refusal() {
    return this.page.getByTestId('template-refusal');
  }

  get saved() {
    return this.page.getByTestId('template-saved');
  }
}
