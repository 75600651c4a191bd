/**
 * `/admin/experiments` against the built PWA and a real server with demo data: the owner edits a
 * variant's template with a live preview (its invite link the one messages carry), is refused
 * (in words) for an unknown variable, saves a good one, and reads the results per variant; a
 * supplier's invitation shows the template variant their device assigned, which is the one the
 * server assigns them. When a variant passes the threshold the header tells the owner, who
 * promotes it in one click (one `experiment.promoted` event); a split far from the weights shows
 * the sample-ratio warning; the split mode is changed on screen and the server has it.
 */
import { composeMessage } from '../../server/delivery/compose';
import { loadTemplate } from '../../server/experiments/templates';
import { insertInvitations } from '../../server/sync/invitations';
import { newInvitation } from '../../server/test/server';
import type { Channel } from '../../shared/invitation';
import { sampleVars } from '../../shared/templates';
import { AppHeader } from '../pages/AppHeader';
import { DashboardPage } from '../pages/DashboardPage';
import { ExperimentsPage } from '../pages/ExperimentsPage';
import { LoginPage } from '../pages/LoginPage';
import { expect, test, type World } from '../support/fixtures';

const ARTIFACTS = 'e2e/artifacts';

/** The fillers that give every arm its 5 inviters, once per world (whichever test comes first). */
let filled: Promise<void> | null = null;
const experimentTraffic = (world: World) => (filled ??= world.experimentTraffic());

/** `inviters` new suppliers each made `each` invitations today on one arm, `accepted` of them accepted. */
async function armTraffic(world: World, channel: Channel, variant: string, inviters: number, each: number, accepted: number): Promise<void> {
  const db = world.server.testDb.db;
  const now = new Date();
  for (let i = 0; i < inviters; i++) {
    const email = await world.newSupplier(`Arm ${channel} ${variant} ${i}`);
    const [user] = await db.query<{ id: string; org_id: string }>('SELECT id, org_id FROM users WHERE email = $1', [email]);
    const rows = Array.from({ length: each }, (_, j) => ({
      ...newInvitation(user!.id, { channel, variant, status: j < accepted ? 'accepted' : 'sent', recipientPhone: channel === 'email' ? null : '+447911123456' }),
      orgId: user!.org_id,
      deleted: false,
      createdAt: now,
      countedAt: now,
      timeSource: 'device' as const,
    }));
    await insertInvitations(db, rows);
  }
}

test('the owner edits a template with a live preview, is told why a bad one is refused, and reads the results', async ({ page, world }) => {
  await experimentTraffic(world);
  await new LoginPage(page).signIn('owner@demo.plusone');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Experiments' }).click();
  await page.waitForURL('**/admin/experiments');
  const experiments = new ExperimentsPage(page);

  await expect(experiments.results).toBeVisible();
  for (const name of ['control', 'variant_a']) {
    await expect(experiments.variantRow(name)).toBeVisible();
    await expect(experiments.variantRow(name).getByRole('cell').last()).toHaveText(name === 'control' ? 'baseline' : /^\d+\.\d%$/);
  }
  await expect(experiments.chart).toBeVisible();

  // The preview follows the typing, with sample names and this site's invite link as a message
  // carries it: the link delivery itself writes for that code (the tracked /i/<code>).
  await experiments.editVariant('variant_a', { subject: 'Hello {{firstName}}', body: 'Hi {{recipientName}}, {{inviterName}} invites you: {{link}}' });
  await expect(experiments.previewSubject).toHaveText('Hello');
  await expect(experiments.previewBody).toContainText('Alexandra & Christopher, The Ritz London Events Team invites you: http');
  const sent = composeMessage(
    { deliveryId: 'd', channel: 'email', address: 'x@guests.example', unsubscribeToken: 't', inviteCode: sampleVars.link.split('/').pop()!, variant: 'control', recipientName: '', inviterName: '', venue: null },
    { subject: '', body: '{{link}}' },
    new URL(page.url()).origin,
  ).body;
  expect(sent).toMatch(/\/i\/[A-Za-z]+$/);
  await expect(experiments.previewLink).toHaveText(`Invite link: ${sent}`);
  await expect(experiments.problems).toContainText('unknown variable {{firstName}}');
  await experiments.save();
  await expect(experiments.refusal).toContainText('Not saved: The subject uses an unknown variable {{firstName}}');
  expect((await loadTemplate(world.server.testDb.db, 'email', 'variant_a')).subject).not.toContain('firstName');

  await experiments.editVariant('variant_a', { subject: '{{inviterName}} saved you a seat' });
  await expect(experiments.previewSubject).toHaveText('The Ritz London Events Team saved you a seat');
  await expect(experiments.problems).toHaveCount(0);
  await experiments.save();
  await expect(experiments.saved).toHaveText('Saved variant_a.');
  await expect(experiments.refusal).toHaveCount(0);
  expect((await loadTemplate(world.server.testDb.db, 'email', 'variant_a')).subject).toBe('{{inviterName}} saved you a seat');

  // An SMS over three segments is refused with the count.
  await experiments.channel('sms');
  await expect(experiments.variantRow('variant_a')).toBeVisible();
  await experiments.editVariant('control', { body: `${'Dear friend, '.repeat(40)}{{link}}` });
  await expect(page.getByTestId('preview-segments')).toContainText('SMS segments');
  await experiments.save();
  await expect(experiments.refusal).toContainText('segments, over the limit of 3');
  await page.screenshot({ path: `${ARTIFACTS}/admin-experiments.png`, fullPage: true });
});

test('a supplier’s invitation shows the template variant their device assigned, the one the server assigns', async ({ page, world }) => {
  const email = await world.newSupplier('Vera Lane');
  await new LoginPage(page).signIn(email);
  await new AppHeader(page).expectSyncComplete(); // the experiments config is cached now
  const assigned = await page.request.get('/api/experiments/assignment');
  const expected: string = (await assigned.json()).assignments.email;
  expect(['control', 'variant_a']).toContain(expected);

  const dashboard = new DashboardPage(page);
  const guest = `guest.${Date.now()}@guests.example`;
  await dashboard.invite(guest, 'past_client');
  await expect(dashboard.row(guest).getByTestId('invitation-variant')).toHaveText(`Template variant: ${expected}`);
  await new AppHeader(page).expectSyncComplete();
  const [row] = await world.server.testDb.db.query<{ variant: string }>('SELECT variant FROM invitations WHERE recipient_email = $1', [guest]);
  expect(row?.variant).toBe(expected);
});

test('the header tells the owner of a winner; one click promotes it, recorded as one event', async ({ page, world }) => {
  await experimentTraffic(world);
  await new LoginPage(page).signIn('owner@demo.plusone');
  const experiments = new ExperimentsPage(page);
  await new AppHeader(page).expectSyncComplete();
  await expect(experiments.winnerBadge).toHaveCount(0);
  // Then, while the owner looks: SMS control accepts 1 in 10, variant_a 5 in 10, over 10 inviters
  // each, so variant_a beats control (the traffic comes first only after the badge was seen absent:
  // the publisher may refresh the results on its own at any moment).
  await armTraffic(world, 'sms', 'control', 10, 10, 1);
  await armTraffic(world, 'sms', 'variant_a', 10, 10, 5);
  await world.server.plusone.metrics.refresh(); // the results snapshot reaches the signed-in owner live

  await expect(experiments.winnerBadge).toHaveText('Winner');
  await expect(experiments.winnerBadge).toHaveAttribute('aria-label', 'A variant beats control and can be promoted: variant_a on SMS');
  await experiments.navLink.click();
  await page.waitForURL('**/admin/experiments');
  await experiments.channel('sms');
  await expect(experiments.winner).toContainText('Winner: variant_a beats control');
  await experiments.promote();
  await expect(experiments.concluded).toContainText('variant_a is the default template');
  const promoted = await world.server.testDb.db.query<{ data: { channel: string; variant: string } }>(`SELECT data FROM viral_events WHERE type = 'experiment.promoted'`);
  expect(promoted).toHaveLength(1);
  expect(promoted[0]!.data).toMatchObject({ channel: 'sms', variant: 'variant_a', previousDefault: 'control' });
  // Nothing is left to promote: the badge goes once the snapshot moves.
  await expect(experiments.winnerBadge).toHaveCount(0);
});

test('a split far from the weights shows the sample-ratio warning', async ({ page, world }) => {
  await experimentTraffic(world);
  // WhatsApp, an even split: 30 more inviters, every one of them in control.
  await armTraffic(world, 'whatsapp', 'control', 30, 1, 0);
  const counts = await world.server.testDb.db.query<{ variant: string; n: number }>(
    `SELECT variant, count(DISTINCT inviter_id)::int AS n FROM invitations
      WHERE channel = 'whatsapp' AND counted_at >= (SELECT started_at FROM experiments WHERE channel = 'whatsapp') GROUP BY variant`,
  );
  const n = (v: string) => counts.find((c) => c.variant === v)?.n ?? 0;
  expect(n('control') - n('variant_a')).toBeGreaterThanOrEqual(30);
  await world.server.plusone.metrics.refresh();
  await new LoginPage(page).signIn('owner@demo.plusone');
  const experiments = new ExperimentsPage(page);
  await experiments.open();
  await experiments.channel('whatsapp');
  await expect(experiments.srmWarning).toContainText('Sample ratio mismatch');
  await experiments.channel('email');
  await expect(experiments.variantRow('control')).toBeVisible();
  await expect(experiments.srmWarning).toHaveCount(0);
});

test('the owner switches a channel to Thompson sampling, and the server has it', async ({ page, world }) => {
  const mode = async () => (await world.server.testDb.db.query<{ mode: string }>(`SELECT mode FROM experiments WHERE channel = 'email'`))[0]?.mode;
  await new LoginPage(page).signIn('owner@demo.plusone');
  const experiments = new ExperimentsPage(page);
  await experiments.open();
  await expect(experiments.mode).toHaveValue('fixed');
  expect(await mode()).toBe('fixed');
  await experiments.mode.selectOption('thompson');
  await expect(experiments.notice).toHaveText('Split saved.');
  await expect.poll(mode).toBe('thompson');
  await page.reload();
  await expect(experiments.mode).toHaveValue('thompson');
});
