/**
 * "An acceptance changes K on every open dashboard" (issue 6 point 2), for a supplier, not only
 * the owner: with the throttled broadcast to other screens set to a minute, the open
 * ViralDashboard still shows another user's acceptance (it watches the dashboard), and the
 * weekly figures table names the inviters behind each week.
 */
import { AnalyticsPage } from '../pages/AnalyticsPage';
import { AppHeader } from '../pages/AppHeader';
import { LoginPage } from '../pages/LoginPage';
import { expect, test } from '../support/fixtures';
import { v7 as uuidv7 } from 'uuid';
import { newInvitation } from '../../server/test/server';

test.use({ serverEnv: { METRICS_EVERYONE_MS: '60000' } });

const count = (text: string | null) => Number((text ?? '').replace(/,/g, ''));

test("a supplier's open dashboard shows another user's acceptance without waiting for the throttled broadcast", async ({ page, world }) => {
  await new LoginPage(page).signIn('photo@demo.plusone');
  const dashboard = new AnalyticsPage(page);
  await new AppHeader(page).expectSyncComplete();
  const accepted = dashboard.coefficientCard.getByTestId('invitations-accepted');
  await expect(accepted).toHaveText(/^[\d,]+$/);
  const before = count(await accepted.textContent());

  // Ritz invites the demo couple, who accept: one more accepted invitation in the window.
  const [ritz, couple] = await Promise.all([world.server.as('ritz@demo.plusone'), world.server.as('couple@demo.plusone')]);
  const invitation = newInvitation('u-ritz', { recipientEmail: 'couple@demo.plusone' });
  expect((await ritz.push('invitations', [{ newDocumentState: invitation }])).body.results[0].outcome).toBe('applied');
  const accept = { id: uuidv7(), type: 'invitation.accepted', invitationId: invitation.id, capturedAt: new Date().toISOString(), deviceId: 'couple-phone' };
  expect((await couple.push('viral_events', [{ newDocumentState: accept }])).body.results[0].outcome).toBe('applied');

  await expect(accepted).toHaveText((before + 1).toLocaleString('en-US'));

  // The weekly figures, with the inviters behind each shown week.
  const details = page.getByTestId('k-trend').locator('details');
  await details.getByText('Show the figures').click();
  const weekly = details.getByRole('table');
  await expect(weekly.getByRole('columnheader')).toHaveText(['Week of', 'Inviters', 'K', '95% interval', 'Acceptance rate']);
  const shown = weekly.locator('tbody tr').filter({ hasNot: page.locator('td.suppressed') });
  await expect(shown.first().getByRole('cell').first()).toHaveText(/^[\d,]+$/);
});
