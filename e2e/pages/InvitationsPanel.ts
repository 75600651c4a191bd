import { expect, type Page } from '@playwright/test';

/**
 * "Your invitations" (InvitationList): one row per invitation the signed-in person holds, with
 * `data-invitation-id`, `data-status` (the invitation's status) and `data-sync` (pending,
 * synced, refused); Cancel, and Retry/Discard on a refused row.
 */
export class InvitationsPanel {
  constructor(private readonly page: Page) {}

  get rows() {
    return this.page.getByTestId('invitation-row');
  }

  row(id: string) {
    return this.page.locator(`[data-testid="invitation-row"][data-invitation-id="${id}"]`);
  }

  rowsTo(email: string) {
    return this.rows.filter({ hasText: email });
  }

  /** Ids of the rows addressed to `email`, as listed now. */
  async idsTo(email: string): Promise<string[]> {
    const ids = await this.rowsTo(email).evaluateAll((els) => els.map((e) => e.getAttribute('data-invitation-id') ?? ''));
    return ids.filter(Boolean);
  }

  async cancel(id: string): Promise<void> {
    await this.row(id).getByTestId('cancel-invitation').click();
  }

  /** Waits until every row addressed to one of `emails` is listed once, with this sync state. */
  async expectAll(emails: string[], sync: 'pending' | 'synced'): Promise<void> {
    for (const email of emails) {
      await expect(this.rowsTo(email)).toHaveCount(1);
      await expect(this.rowsTo(email)).toHaveAttribute('data-sync', sync);
    }
  }
}
