/**
 * `/admin/experiments` against the built PWA and a real server with demo data: the owner edits a
 * variant's template with a live preview, is refused (in words) for an unknown variable, saves a
 * good one, and reads the results per variant; a supplier's invitation shows the template
 * variant their device assigned, which is the one the server assigns them.
 */
import { loadTemplate } from '../../server/experiments/templates';
import { AppHeader } from '../pages/AppHeader';
import { DashboardPage } from '../pages/DashboardPage';
import { ExperimentsPage } from '../pages/ExperimentsPage';
import { LoginPage } from '../pages/LoginPage';
import { expect, test } from '../support/fixtures';

const ARTIFACTS = 'e2e/artifacts';

test('the owner edits a template with a live preview, is told why a bad one is refused, and reads the results', async ({ page, world }) => {
  await world.experimentTraffic();
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

  // The preview follows the typing, with sample names and this site's invite link.
  await experiments.editVariant('variant_a', { subject: 'Hello {{firstName}}', body: 'Hi {{recipientName}}, {{inviterName}} invites you: {{link}}' });
  await expect(experiments.previewSubject).toHaveText('Hello');
  await expect(experiments.previewBody).toContainText('Alexandra & Christopher, The Ritz London Events Team invites you: http');
  await expect(experiments.previewLink).toContainText(`${new URL(page.url()).origin}/invite/`);
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
