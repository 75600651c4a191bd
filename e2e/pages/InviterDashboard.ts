import type { Page } from '@playwright/test';
import { DashboardPage } from './DashboardPage';

/**
 * An inviter's `/dashboard/viral` as the whole journey reads it: the dashboard's invite form
 * and rows (DashboardPage) plus the K card's counts that move with an acceptance and the
 * template variant each invitation was given.
 */
export class InviterDashboard extends DashboardPage {
  constructor(private readonly tab: Page) {
    super(tab);
  }

  get sent() {
    return this.tab.getByTestId('invitations-sent');
  }

  get accepted() {
    return this.tab.getByTestId('invitations-accepted');
  }

  /** `Template variant: <variant>` on the row of the invitation to `email`. */
  variant(email: string) {
    return this.row(email).getByTestId('invitation-variant');
  }
}
