import { expect, type Page } from '@playwright/test';
import { AppHeader } from './AppHeader';

/**
 * The header's sync state in detail (DESIGN §8): `Offline Mode`, the pending and refused
 * counts, and the phase the indicator is in (`data-phase`: offline, queued, refused, syncing,
 * complete). Its quick invite waits for the form to close, so invitations can be sent one
 * after another.
 */
export class SyncHeader extends AppHeader {
  constructor(private readonly tab: Page) {
    super(tab);
  }

  get offlineMode() {
    return this.indicator.getByText('Offline Mode');
  }

  get pending() {
    return this.tab.getByTestId('sync-pending');
  }

  get refused() {
    return this.tab.getByTestId('sync-refused');
  }

  get syncComplete() {
    return this.indicator.getByText('Sync complete');
  }

  async expectPhase(phase: 'offline' | 'queued' | 'refused' | 'syncing' | 'complete', timeout?: number): Promise<void> {
    await expect(this.indicator).toHaveAttribute('data-phase', phase, { timeout });
  }

  async expectOffline(): Promise<void> {
    await expect(this.offlineMode).toBeVisible();
  }

  /** Sends one invitation from the header's quick form and waits until the form has closed. */
  override async quickInvite(email: string): Promise<void> {
    await super.quickInvite(email);
    await expect(this.tab.getByTestId('offline-recipient')).toHaveCount(0);
  }
}
