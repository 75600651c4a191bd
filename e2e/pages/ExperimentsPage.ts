import type { Page } from '@playwright/test';

/** `/admin/experiments`: channel tabs, the results table and chart, the template editor with its preview. */
export class ExperimentsPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/admin/experiments');
  }

  async channel(name: 'email' | 'sms' | 'whatsapp'): Promise<void> {
    await this.page.getByTestId(`channel-${name}`).click();
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
