/**
 * Fraud end to end (issue 8, point 5) against the built PWA and a real server: a supplier's
 * invitation to a throwaway address is refused by the server, and the supplier's screen keeps it
 * with the reason in plain words (also after a reload); an invitation held for review waits in
 * the owner's `/admin/fraud` queue, where the owner confirms one from the keyboard and clears
 * another.
 */
import { v7 as uuidv7 } from 'uuid';
import { AppHeader } from '../pages/AppHeader';
import { InvitationsPanel } from '../pages/InvitationsPanel';
import { LoginPage } from '../pages/LoginPage';
import { expect, test, type World } from '../support/fixtures';

/** Three demo suppliers already invited this address: a fourth inviter makes it a review. */
async function popular(world: World, email: string): Promise<void> {
  for (const u of ['u-ritz', 'u-s0', 'u-s1']) {
    await world.server.testDb.db.query(
      `INSERT INTO invitations (id, inviter_id, recipient_email, relationship, channel, status, captured_at, device_id, write_id, counted_at, rev, txid)
       VALUES ($1, $2, $3, 'past_client', 'email', 'sent', now(), 'd', $1, now(), nextval('plusone_rev'), plusone_txid())`,
      [uuidv7(), u, email],
    );
  }
}

test('an invitation to a throwaway address is refused, and the supplier sees why on the invitation, which stays on the device', async ({ page, world }) => {
  await new LoginPage(page).signIn(await world.newSupplier('Nora Vance'));
  const address = `lucky.${Date.now()}@mailinator.com`;
  await new AppHeader(page).quickInvite(address);
  const row = new InvitationsPanel(page).rowsTo(address);
  await expect(row).toHaveAttribute('data-sync', 'refused');
  await expect(row).toContainText('Blocked by our safety checks: Throwaway email address');
  await expect(page.getByTestId('sync-refused')).toHaveText('1 refused');
  const [written] = await world.server.testDb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM invitations WHERE recipient_email = $1', [address]);
  expect(written!.n).toBe(0);

  await page.reload();
  await expect(row).toHaveAttribute('data-sync', 'refused');
  await expect(row).toContainText('Throwaway email address');
});

test('the owner confirms one held invitation from the keyboard and clears another in /admin/fraud', async ({ page, browser, world }) => {
  const supplier = await browser.newContext({ baseURL: world.baseURL });
  const tab = await supplier.newPage();
  await new LoginPage(tab).signIn(await world.newSupplier('Ivo Brandt'));
  const [first, second] = [`first.${Date.now()}@popular.example`, `second.${Date.now()}@popular.example`];
  for (const email of [first, second]) {
    await popular(world, email);
    await new AppHeader(tab).quickInvite(email);
    await expect(new InvitationsPanel(tab).rowsTo(email)).toHaveAttribute('data-sync', 'synced');
  }

  await new LoginPage(page).signIn('owner@demo.plusone');
  await page.getByRole('link', { name: 'Fraud' }).click();
  await page.waitForURL('**/admin/fraud');
  const item = (email: string) => page.getByTestId('fraud-item').filter({ hasText: `Ivo Brandt invited ${email}` });
  await expect(item(first)).toContainText('Same person invited by many');
  await expect(item(first).getByTestId('fraud-outcome')).toContainText('Held for review');

  await item(first).getByTestId('fraud-confirm').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('fraud-notice')).toHaveText(/Confirmed as fraud/);
  await expect(item(first)).toHaveCount(0);
  // Confirming an open invitation cancels it on the supplier's screen.
  await expect(new InvitationsPanel(tab).rowsTo(first)).toHaveAttribute('data-status', 'cancelled');

  await item(second).getByTestId('fraud-clear').click();
  await expect(page.getByTestId('fraud-notice')).toHaveText(/Cleared/);
  await expect(item(second)).toHaveCount(0);
  const states = await world.server.testDb.db.query<{ recipient_email: string; review_state: string }>(
    `SELECT recipient_email, review_state FROM fraud_assessments WHERE recipient_email = ANY($1::text[]) AND subject = 'invitation' ORDER BY recipient_email`,
    [[first, second]],
  );
  expect(states).toEqual([{ recipient_email: first, review_state: 'confirmed' }, { recipient_email: second, review_state: 'cleared' }]);
  await supplier.close();
});

test('nobody but the owner reaches /admin/fraud', async ({ page }) => {
  await new LoginPage(page).signIn('ritz@demo.plusone');
  await page.goto('/admin/fraud');
  await page.waitForURL('**/dashboard/viral');
  await expect(page.getByTestId('fraud-queue')).toHaveCount(0);
});
