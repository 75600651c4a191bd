/**
 * A person's own data in the browser: a supplier opens their account from the header,
 * downloads their data (the file holds their invitations) and erases their account with their
 * password, by keyboard; afterwards they are signed out and cannot sign in again.
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { newInviteCode, newShortCode } from '../../shared/codes';
import { DEMO_PASSWORD } from '../../server/demo/seed';
import { insertInvitations } from '../../server/sync/invitations';
import { LoginPage } from '../pages/LoginPage';
import { expect, test } from '../support/fixtures';

test('a supplier downloads their data and erases their account, after which they cannot sign in', async ({ page, world }) => {
  const email = await world.newSupplier('Erin Erase');
  const db = world.server.testDb.db;
  const [{ id }] = (await db.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [email])) as [{ id: string }];
  const now = new Date();
  await insertInvitations(db, [
    {
      id: uuidv7(), inviterId: id, orgId: null, recipientEmail: 'erin.guest@e2e.example', recipientName: 'Guest of Erin', recipientPhone: null,
      relationship: 'past_client', channel: 'email', status: 'sent', message: 'See you at PlusOne', capturedAt: now.toISOString(),
      deviceId: 'e2e', writeId: uuidv7(), deleted: false, countedAt: now, timeSource: 'server',
      inviteCode: newInviteCode((n) => randomBytes(n)), shortCode: newShortCode((n) => randomBytes(n)),
    },
  ]);

  await new LoginPage(page).signIn(email);
  await page.getByTestId('account-link').click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();

  const download = page.waitForEvent('download');
  await page.getByTestId('download-my-data').click();
  const file = await (await download).path();
  const data = JSON.parse(readFileSync(file, 'utf8'));
  expect(data.profile).toMatchObject({ id, email, name: 'Erin Erase' });
  expect(data.invitationsSent).toEqual([expect.objectContaining({ recipientEmail: 'erin.guest@e2e.example', message: 'See you at PlusOne' })]);

  // By keyboard: the confirmation takes focus on the password, Enter erases.
  await page.getByTestId('erase-account').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('erase-password')).toBeFocused();
  await expect(page.getByText('What stays is anonymous')).toBeVisible();
  await page.keyboard.type('not my password');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('erase-error')).toHaveText('That password is not right: nothing was changed.');
  await page.getByTestId('erase-password').fill(DEMO_PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL('**/login');

  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page.getByRole('alert')).toHaveText('That email and password do not match an account.');
  await expect(page).toHaveURL(/\/login$/);
});
