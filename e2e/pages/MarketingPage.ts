import type { Page } from '@playwright/test';

/** `/admin/marketing`: segment cards, the custom-rule builder, the marketing feed and the attribution report. */
export class MarketingPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/admin/marketing');
  }

  get cards() {
    return this.page.getByTestId('segment-card');
  }

  card(name: string) {
    return this.cards.filter({ has: this.page.getByTestId('segment-title').getByText(`${name} (`) });
  }

  title(name: string) {
    return this.card(name).getByTestId('segment-title');
  }

  get report() {
    return this.page.getByTestId('attribution-report');
  }

  /** The marketing feed's entry for a segment: its `segment-change` items and `segment-endpoints`. */
  feedRow(segmentId: string) {
    return this.page.locator(`[data-testid="segment-feed-row"][data-segment-id="${segmentId}"]`);
  }

  get feedRows() {
    return this.page.getByTestId('segment-feed-row');
  }

  get error() {
    return this.page.getByTestId('segment-error');
  }

  /** Writes a custom segment: `conditions` as [field, operator, value] rows. */
  async createSegment(name: string, combinator: 'and' | 'or', conditions: [field: string, operator: string, value?: string][]): Promise<void> {
    await this.page.getByTestId('segment-name').fill(name);
    await this.page.getByTestId('segment-combinator').selectOption(combinator);
    for (const [i, [field, operator, value]] of conditions.entries()) {
      if (i > 0) await this.page.getByTestId('add-condition').click();
      await this.page.getByTestId(`condition-field-${i}`).selectOption(field);
      await this.page.getByTestId(`condition-operator-${i}`).selectOption(operator);
      if (value !== undefined) {
        const input = this.page.getByTestId(`condition-value-${i}`);
        if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(value);
        else await input.fill(value);
      }
    }
    await this.page.getByTestId('create-segment').click();
  }
}
