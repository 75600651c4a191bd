/**
 * `/admin/integrations` against the built PWA and a real server with demo data: the owner adds a
 * webhook endpoint pointing at a real receiver (which verifies every signature), sees its secret
 * once, and reads the delivery log of an event it received, then replays it.
 */
import { recordEvent } from '../../server/sync/events';
import { startReceiver, type Receiver } from '../../server/webhooks/testReceiver';
import { IntegrationsPage } from '../pages/IntegrationsPage';
import { LoginPage } from '../pages/LoginPage';
import { expect, test } from '../support/fixtures';

let receiver: Receiver;
test.beforeAll(async () => {
  receiver = await startReceiver(() => 'ok');
});
test.afterAll(async () => {
  await receiver.close();
});

test('the owner adds an endpoint, sees its secret once, and reads its delivery log', async ({ page, world }) => {
  await new LoginPage(page).signIn('owner@demo.plusone');
  const integrations = new IntegrationsPage(page);
  await integrations.open();
  const url = receiver.url('/crm');
  await integrations.addEndpoint(url, ['connector.tier_changed'], 'CRM');
  await expect(integrations.secret).toHaveText(/^whsec_[A-Za-z0-9+/]{32}$/);
  receiver.trust('/crm', (await integrations.secret.textContent())!);
  await expect(integrations.endpoint(url).getByTestId('endpoint-status')).toHaveText('Active');
  await page.getByTestId('dismiss-secret').click();
  await expect(integrations.secret).toHaveCount(0);
  await page.reload();
  await expect(integrations.endpoint(url)).toBeVisible();
  await expect(integrations.secret).toHaveCount(0);

  const now = new Date();
  const event = await recordEvent(world.server.testDb.db, {
    type: 'connector.tier_changed', actorId: null, invitationId: null, inviterId: null, orgId: null,
    data: { from: 'silver', to: 'gold', score: 520, connections: 41, successes: 9 }, capturedAt: now, countedAt: now, timeSource: 'server',
  });
  await expect.poll(() => receiver.payloads('/crm').map((p) => p.id)).toEqual([event.id]);

  const attempts = await integrations.log(url);
  await expect(attempts).toHaveCount(1, { timeout: 15_000 });
  await expect(attempts.first()).toHaveAttribute('data-ok', 'true');
  await expect(attempts.first().getByTestId('attempt-result')).toHaveText(/^200 · \d+ ms$/);
  await attempts.first().getByTestId('replay-event').click();
  await expect(page.getByTestId('replay-status')).toContainText('Replay of connector.tier_changed');
  await expect.poll(() => receiver.payloads('/crm').length).toBe(2);
  await expect(await integrations.log(url)).toHaveCount(2, { timeout: 15_000 });
  expect(receiver.received.every((r) => r.verified)).toBe(true);
  await page.screenshot({ path: 'e2e/artifacts/admin-integrations.png', fullPage: true });
});

test('nobody but the owner reaches the integrations screen', async ({ page }) => {
  await new LoginPage(page).signIn('ritz@demo.plusone');
  await page.goto('/admin/integrations');
  await page.waitForURL('**/dashboard/viral');
  await expect(page.getByTestId('integrations-screen')).toHaveCount(0);
  await expect(page.getByTestId('nav-integrations')).toHaveCount(0);
});
