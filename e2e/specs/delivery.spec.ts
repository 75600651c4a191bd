/**
 * Delivery end to end (issue 7, points 6–8): a supplier sends by email, the outbox worker hands
 * it to the local SMTP server, the test reads the message (mailparser) and follows its invite
 * link in a second browser, where a new couple signs up and accepts; the supplier's screen shows
 * each step (sent, opened, accepted) live. And in person, offline: the QR code and the short
 * code shown on the supplier's device, typed later by a couple at /join.
 * The first test is the whole journey: the owner's experiment results follow the
 * acceptance live, and a webhook receiver gets the signed `invitation.accepted`. Then a message
 * the mail server refuses (a dead letter, its reason shown to the supplier and the owner, sent
 * again by the owner), and an invitation by SMS through the local Twilio-shaped provider.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { Webhook } from 'standardwebhooks';
import { ExperimentsPage } from '../pages/ExperimentsPage';
import { DashboardPage } from '../pages/DashboardPage';
import { DeliveryPage } from '../pages/DeliveryPage';
import { InvitePage } from '../pages/InvitePage';
import { InvitationsPanel } from '../pages/InvitationsPanel';
import { LoginPage } from '../pages/LoginPage';
import { expect, test, type World } from '../support/fixtures';

// Workers on (off by default in tests); no SMTP_URL, so the server runs its local SMTP peer,
// as in demo mode.
test.use({ serverEnv: { DELIVERY_WORKERS: '2', DELIVERY_POLL_MS: '100', WEBHOOK_WORKERS: '1', WEBHOOK_POLL_MS: '100' } });

/** A webhook receiver that keeps what it is sent (body and headers). */
async function receiver() {
  const received: { body: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ body, headers: req.headers });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received, close: () => new Promise((r) => server.close(r)) };
}

const INVITE_LINK = /https?:\/\/[^\s]+\/i\/[A-Za-z0-9_-]{22}/;

test('an email invitation reaches the SMTP server; its link signs a couple up; the supplier sees sent, opened, accepted live, so do the owner\'s experiment results, and a webhook receiver gets the signed invitation.accepted', async ({ page, browser, world }) => {
  // The owner subscribes a receiver to acceptances and watches the email experiment.
  const hooks = await receiver();
  const ownerContext = await browser.newContext({ baseURL: world.baseURL });
  const owner = await ownerContext.newPage();
  await new LoginPage(owner).signIn('owner@demo.plusone');
  const endpoint = await owner.request.post('/api/webhooks/endpoints', { data: { url: hooks.url, eventTypes: ['invitation.accepted'] }, headers: { 'x-plusone-csrf': '1' } });
  expect(endpoint.status()).toBe(201);
  const { secret } = (await endpoint.json()) as { secret: string };
  await world.experimentTraffic();
  const experiments = new ExperimentsPage(owner);
  await experiments.open();
  await experiments.channel('email');

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

  const variant = ((await invitations.rowsTo(guest).getByTestId('invitation-variant').textContent()) ?? '').replace('Template variant: ', '').trim();
  const acceptances = experiments.variantRow(variant).getByTestId('variant-acceptances');
  const before = Number((await acceptances.textContent())!.replace(/,/g, ''));

  await invite.signUp('Robin & Kai', guest);
  await expect(invite.accepted).toBeVisible();
  await expect(invitations.rowsTo(guest)).toHaveAttribute('data-status', 'accepted');
  await expect(acceptances).toHaveText((before + 1).toLocaleString('en-US'));

  await expect.poll(() => hooks.received.length, { timeout: 15_000 }).toBeGreaterThan(0);
  const [delivered] = hooks.received;
  const event = new Webhook(secret).verify(delivered!.body, delivered!.headers as Record<string, string>) as { type: string; data: { invitationId?: string } };
  expect(event.type).toBe('invitation.accepted');
  expect(JSON.parse(delivered!.body)).toMatchObject({ specversion: '1.0', type: 'invitation.accepted' });
  await phone.close();
  await ownerContext.close();
  await hooks.close();
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

/** The outbox row of an invitation, read straight from the database. */
async function deliveryOf(world: World, invitationId: string) {
  const [row] = await world.server.testDb.db.query<{ id: string; state: string; attempts: number; last_error: string | null; channel: string; address: string; provider_id: string | null }>(
    'SELECT id, state, attempts, last_error, channel, address, provider_id FROM deliveries WHERE invitation_id = $1',
    [invitationId],
  );
  return row;
}

test('a message the mail server refuses shows the supplier why; the owner sends it again from /admin/delivery once the address takes mail, and it goes out', async ({ page, browser, world }) => {
  const smtp = world.server.plusone.delivery.peers.smtp!;
  const supplierEmail = await world.newSupplier('Ines Moreau');
  await new LoginPage(page).signIn(supplierEmail);
  const guest = `bounce.${Date.now()}@couples.example`;
  smtp.reject(guest); // 550 mailbox unavailable: permanent, so the outbox gives up at once
  await new DashboardPage(page).invite(guest);
  const invitations = new InvitationsPanel(page);
  const row = invitations.rowsTo(guest);
  await expect(row).toHaveAttribute('data-sync', 'synced');
  const [invitationId] = await invitations.idsTo(guest);

  await expect.poll(async () => (await deliveryOf(world, invitationId!))?.state, { timeout: 20_000 }).toBe('dead');
  const dead = (await deliveryOf(world, invitationId!))!;
  expect(dead.last_error).toMatch(/refused the message: 550/);
  await expect(row.getByTestId('delivery-problem')).toHaveText(`Not delivered: ${dead.last_error}`, { timeout: 20_000 });
  await expect(row).toHaveAttribute('data-status', 'queued');

  const ownerContext = await browser.newContext({ baseURL: world.baseURL });
  const owner = await ownerContext.newPage();
  await new LoginPage(owner).signIn('owner@demo.plusone');
  const delivery = new DeliveryPage(owner);
  await delivery.open();
  const letter = delivery.deadLetter(invitationId!);
  await expect(letter).toHaveAttribute('data-delivery-id', dead.id);
  await expect(letter).toContainText('Ines Moreau');
  await expect(letter.getByTestId('dead-letter-reason')).toHaveText(dead.last_error!);

  smtp.allow(guest);
  await delivery.sendAgain(invitationId!);
  await expect(letter).toHaveCount(0);
  const caught = await smtp.waitFor((m) => m.to.includes(guest), 20_000);
  await expect(row).toHaveAttribute('data-status', 'sent', { timeout: 20_000 });
  await expect(row.getByTestId('delivery-problem')).toHaveCount(0);
  const sent = (await deliveryOf(world, invitationId!))!;
  expect(sent).toMatchObject({ state: 'sent', attempts: 1, provider_id: caught.id });
  expect(smtp.messages.filter((m) => m.to.includes(guest))).toHaveLength(1);
  await ownerContext.close();
});

test('a supplier invites by SMS: the Twilio-shaped provider gets the text with the invite link, and the invitation moves to delivered live', async ({ page, browser, world }) => {
  const twilio = world.server.plusone.delivery.peers.twilio!;
  const supplierEmail = await world.newSupplier('Tomas Berg');
  await new LoginPage(page).signIn(supplierEmail);
  const guest = `sms.${Date.now()}@couples.example`;
  const digits = String(Date.now()).slice(-6);
  const number = `+447400${digits}`; // a UK mobile range where every number is valid
  await new DashboardPage(page).inviteByPhone(guest, 'sms', `+44 7400 ${digits.slice(0, 3)} ${digits.slice(3)}`);
  const invitations = new InvitationsPanel(page);
  const row = invitations.rowsTo(guest);
  // Sent by the worker, then delivered by the provider's signed status callback.
  await expect(row).toHaveAttribute('data-status', 'delivered', { timeout: 20_000 });
  const [invitationId] = await invitations.idsTo(guest);

  const texts = twilio.messages.filter((m) => m.to === number);
  expect(texts).toHaveLength(1);
  const sms = texts[0]!;
  const d = (await deliveryOf(world, invitationId!))!;
  expect(d).toMatchObject({ channel: 'sms', address: number, state: 'delivered', provider_id: sms.sid });
  expect(sms.idempotencyToken).toBe(d.id);
  const link = INVITE_LINK.exec(sms.body)?.[0];
  expect(link?.startsWith(`${world.server.plusone.delivery.publicUrl()}/i/`), sms.body).toBe(true);
  // The link carries this invitation's code: the database keeps only its SHA-256.
  const [stored] = await world.server.testDb.db.query<{ invite_code: string }>('SELECT invite_code FROM invitations WHERE id = $1', [invitationId]);
  expect(createHash('sha256').update(link!.split('/i/')[1]!).digest('hex')).toBe(stored!.invite_code);
  expect(sms.body).toMatch(/Opt out: https?:\/\/\S+\/unsubscribe\//);

  // The link in the text works: it opens the invitation, which the supplier sees move on.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const couple = await phone.newPage();
  await couple.goto(link!);
  await expect(new InvitePage(couple).invitedBy).toContainText('Tomas Berg');
  await expect(row).toHaveAttribute('data-status', 'opened');
  await phone.close();
});
