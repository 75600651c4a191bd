/**
 * Rate limits end to end (issue 8, SPEC LIM1): a regular supplier's invitations made offline
 * that are over the hourly allowance when they sync are not lost and not shown as errors: they
 * stay queued with the time they may go, the header says how many wait, and they go by
 * themselves when the allowance frees, ending at "Sync complete".
 *
 * The window passing is made, not waited for: the supplier's counters are cleared on the server
 * and the page's clock (Playwright's, installed before the app loads, so the queue's timer
 * follows it) jumps past the wait.
 */
import { InvitationsPanel } from '../pages/InvitationsPanel';
import { LoginPage } from '../pages/LoginPage';
import { SyncHeader } from '../pages/SyncHeader';
import { addresses } from '../support/addresses';
import { expect, test, type World } from '../support/fixtures';

// Rate limits on (test servers run without them unless asked).
test.use({ serverEnv: { TEST_RATE_LIMITS: 'on' } });

/** After the network returns: socket reconnection backs off up to 5 s, then the queue drains. */
const RECONNECT = { timeout: 30_000 };

const onServer = async (world: World, supplierId: string) =>
  ((await world.server.testDb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM invitations WHERE inviter_id = $1', [supplierId]))[0]!.n);

test('LIM1: offline, a regular supplier makes 12 invitations; back online 10 go and 2 wait for the next allowance (no error, no discard); when it frees they go by themselves', async ({ world, page, context }) => {
  const email = await world.newSupplier('Rosa Limits');
  const supplierId = (await world.server.testDb.db.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]))[0]!.id;
  await page.clock.install();
  await new LoginPage(page).signIn(email);
  const header = new SyncHeader(page);
  const list = new InvitationsPanel(page);
  const waiting = page.getByTestId('sync-waiting');
  await header.expectSyncComplete();

  await world.offline(context);
  await header.expectOffline();
  const guests = addresses('limited', 12);
  for (const guest of guests) await header.quickInvite(guest);
  await expect(header.pending).toHaveText('(12 pending)');

  await world.online(context);
  await expect.poll(() => onServer(world, supplierId), RECONNECT).toBe(10);
  await expect(waiting).toHaveAttribute('data-count', '2', RECONNECT);
  await expect(waiting).toHaveText(/^2 invitations wait until \d\d:\d\d for the next hour's allowance$/);
  await expect(header.indicator).toHaveAttribute('data-phase', 'waiting');
  // Not an error: nothing refused, nothing to discard, still queued; and not complete either.
  await expect(header.refused).toHaveCount(0);
  await expect(page.getByTestId('discard-invitation')).toHaveCount(0);
  await expect(header.syncComplete).toHaveCount(0);
  await expect(list.rows.and(page.locator('[data-sync="synced"]'))).toHaveCount(10);
  await expect(list.rows.and(page.locator('[data-sync="pending"]'))).toHaveCount(2);
  const sentFirst = await world.server.testDb.db.query<{ recipient_email: string }>('SELECT recipient_email FROM invitations WHERE inviter_id = $1', [supplierId]);
  // The first 10 made went; the last 2 wait.
  expect(sentFirst.map((r) => r.recipient_email).sort()).toEqual(guests.slice(0, 10).sort());

  // The hour passes: the server's window ends, and the page's clock moves past the wait.
  const retryAt = Date.parse((await waiting.getAttribute('data-retry-at'))!);
  expect(retryAt - Date.now()).toBeGreaterThan(3_000_000);
  await world.server.testDb.db.query(`DELETE FROM rate_limits WHERE key LIKE 'invitations-%:' || $1`, [supplierId]);
  await page.clock.fastForward(retryAt - (await page.evaluate(() => Date.now())) + 1000);

  await expect(header.syncComplete).toBeVisible(RECONNECT);
  await expect(waiting).toHaveCount(0);
  expect(await onServer(world, supplierId)).toBe(12);
  await expect(list.rows.and(page.locator('[data-sync="synced"]'))).toHaveCount(12);
});
