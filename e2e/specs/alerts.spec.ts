/**
 * `/admin/alerts` against the built PWA and a real server whose health monitor evaluates every
 * second: the owner has the screen open when a webhook endpoint gets disabled, and the critical
 * alert appears without a reload; when the endpoint is enabled again it moves to the resolved
 * history. An error thrown in the page is reported by the app and listed, counted, as the app's.
 */
import { randomUUID } from 'node:crypto';
import { AlertsPage } from '../pages/AlertsPage';
import { LoginPage } from '../pages/LoginPage';
import { expect, test } from '../support/fixtures';

test.use({ serverEnv: { MONITOR_INTERVAL_S: '1' } });

test('the owner sees an alert appear live when an endpoint is disabled, then resolve', async ({ page, world }) => {
  await new LoginPage(page).signIn('owner@demo.plusone');
  const alerts = new AlertsPage(page);
  await alerts.open();
  await alerts.loaded();
  await expect(alerts.openAlert('webhook_endpoints')).toHaveCount(0);
  // Marks this page: a reload would lose it.
  await page.evaluate(() => ((window as unknown as { unreloaded: boolean }).unreloaded = true));

  const { db } = world.server.testDb;
  const id = randomUUID();
  await db.query(
    `INSERT INTO webhook_endpoints (id, url, event_types, secret, status, disabled_at, disabled_reason)
     VALUES ($1, 'https://crm.example/hooks', ARRAY['invitation.accepted'], 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'disabled', now(), 'every attempt failed for 5 days')`,
    [id],
  );
  const alert = alerts.openAlert('webhook_endpoints');
  await expect(alert).toBeVisible();
  await expect(alert).toHaveAttribute('data-severity', 'critical');
  await expect(alert.getByTestId('alert-message')).toHaveText('1 disabled (receiving nothing).');
  await expect(alert).toContainText('Critical: needs action now');
  expect(await page.evaluate(() => (window as unknown as { unreloaded?: boolean }).unreloaded)).toBe(true);
  await page.screenshot({ path: 'e2e/artifacts/admin-alerts.png', fullPage: true });

  await db.query(`UPDATE webhook_endpoints SET status = 'active', disabled_at = NULL, disabled_reason = NULL WHERE id = $1`, [id]);
  await expect(alerts.openAlert('webhook_endpoints')).toHaveCount(0);
  await expect(alerts.resolvedAlert('webhook_endpoints').first()).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { unreloaded?: boolean }).unreloaded)).toBe(true);
});

test('an error in the app is reported and listed as the app\'s; nobody but the owner reaches the screen', async ({ page, browser, baseURL }) => {
  await new LoginPage(page).signIn('owner@demo.plusone');
  const alerts = new AlertsPage(page);
  await alerts.open();
  await page.evaluate(() => setTimeout(() => { throw new Error('e2e: the app broke on purpose'); }));
  const reported = alerts.recentErrors('client').filter({ hasText: 'e2e: the app broke on purpose' });
  await expect(async () => {
    await alerts.refresh();
    await expect(reported).toBeVisible({ timeout: 1000 });
  }).toPass();
  await expect(reported).toContainText('once');

  const supplier = await browser.newPage({ baseURL });
  await new LoginPage(supplier).signIn('ritz@demo.plusone');
  await supplier.goto('/admin/alerts');
  await supplier.waitForURL('**/dashboard/viral');
  await expect(supplier.getByTestId('nav-alerts')).toHaveCount(0);
  await supplier.close();
});
