/**
 * Delivery end to end (issue 7, points 6–8): a supplier sends by email, the outbox worker hands
 * it to the local SMTP server, the test reads the message (mailparser) and follows its invite
 * link in a second browser, where a new couple signs up and accepts; the supplier's screen shows
 * each step (sent, opened, accepted) live. And in person, offline: the QR code and the short
 * code shown on the supplier's device, typed later by a couple at /join.
 */
import { simpleParser } from 'mailparser';
import { DashboardPage } from '../pages/DashboardPage';
import { InvitePage } from '../pages/InvitePage';
import { InvitationsPanel } from '../pages/InvitationsPanel';
import { LoginPage } from '../pages/LoginPage';
import { expect, test } from '../support/fixtures';

// Workers on (off by default in tests); no SMTP_URL, so the server runs its local SMTP peer,
// as in demo mode.
test.use({ serverEnv: { DELIVERY_WORKERS: '2', DELIVERY_POLL_MS: '100' } });

const INVITE_LINK = /https?:\/\/[^\s]+\/i\/[A-Za-z0-9_-]{22}/;

test('an email invitation reaches the SMTP server; its link signs a couple up; the supplier sees sent, opened, accepted live', async ({ page, browser, world }) => {
  const supplierEmail = await world.newSupplier('Maya Lind');
  await new LoginPage(page).signIn(supplierEmail);
  const guest = `guest.${Date.now()}@couples.example`;
  await new DashboardPage(page).invite(guest);
  const invitations = new InvitationsPanel(page);
  await expect(invitations.rowsTo(guest)).toHaveAttribute('data-status', 'sent', { timeout: 20_000 });

  const caught = await world.server.plusone.delivery.peers.smtp!.waitFor((m) => m.to.includes(guest), 20_000);
  const mail = await simpleParser(caught.raw);
  expect(mail.subject).toContain('Maya Lind');
  const link = INVITE_LINK.exec(mail.text ?? '')?.[0];
  expect(link, mail.text).toBeTruthy();
  expect(mail.text).toMatch(/Unsubscribe: https?:\/\/\S+\/unsubscribe\//);

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const couple = await phone.newPage();
  await couple.goto(link!);
  await expect(couple).toHaveURL(/\/invite\/[A-Za-z0-9_-]{22}$/);
  const invite = new InvitePage(couple);
  await expect(invite.invitedBy).toContainText('Maya Lind');
  await expect(invitations.rowsTo(guest)).toHaveAttribute('data-status', 'opened');

  await invite.signUp('Robin & Kai', guest);
  await expect(invite.accepted).toBeVisible();
  await expect(invitations.rowsTo(guest)).toHaveAttribute('data-status', 'accepted');
  await phone.close();
});

test('at a venue with no signal, the supplier shows a QR code and a short code; a couple types the code later', async ({ page, browser, world, context }) => {
  const supplierEmail = await world.newSupplier('Noor Haddad');
  await new LoginPage(page).signIn(supplierEmail);
  const guest = `venue.${Date.now()}@couples.example`;
  await new DashboardPage(page).invite(guest);
  const invitations = new InvitationsPanel(page);
  await expect(invitations.rowsTo(guest)).toHaveAttribute('data-sync', 'synced');

  await world.offline(context);
  const row = invitations.rowsTo(guest);
  await row.getByTestId('show-in-person').click();
  await expect(row.getByTestId('invite-qr')).toBeVisible();
  await expect(row.getByTestId('invite-qr')).toHaveAttribute('data-url', /\/invite\/[A-Za-z0-9_-]{22}$/);
  const shortCode = (await row.getByTestId('short-code-display').textContent())!;
  expect(shortCode).toMatch(/^[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}$/);
  await world.online(context);

  const phone = await browser.newContext({ baseURL: world.baseURL });
  const couple = await phone.newPage();
  const invite = new InvitePage(couple);
  await invite.enterShortCode(shortCode.toLowerCase());
  await expect(invite.invitedBy).toContainText('Noor Haddad');
  await invite.signUp('Ada', `ada.${Date.now()}@couples.example`);
  await couple.waitForURL('**/dashboard/viral');
  await expect(invitations.rowsTo(guest)).toHaveAttribute('data-status', 'accepted');
  await phone.close();
});
