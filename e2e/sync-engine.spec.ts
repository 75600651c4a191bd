/**
 * The sync engine end to end, in Chromium, against the built PWA and a real server (SPEC rules
 * named in each test): priorities and order on a device that was offline (PRIO1, ORD1), a
 * refused acceptance that stays on the device with its reason until it is discarded (REF1,
 * REF2), and two tabs of one user pushing through one replication (LIVE3).
 *
 * Each device has a network of its own (support/devices.ts), so one can be offline while
 * another stays online. Arrival order is promised per device only: across two devices that
 * come back online together, either may reach the server first, and nothing here assumes
 * which.
 */
import type { Page } from '@playwright/test';
import { DashboardPage } from './pages/DashboardPage';
import { ForYouPanel } from './pages/ForYouPanel';
import { InvitationsPanel } from './pages/InvitationsPanel';
import { LoginPage } from './pages/LoginPage';
import { SyncHeader } from './pages/SyncHeader';
import { expect, sql, test, type Device } from './support/devices';
import { ensureServiceWorkerControls } from './support/fixtures';
import type { World } from './support/fixtures';
import { addresses } from './support/addresses';

const SUPPLIER = 'ritz@demo.plusone';
const COUPLE = 'couple@demo.plusone';
/** After the network returns: socket reconnection backs off up to 5 s, then the queue drains. */
const RECONNECT = { timeout: 30_000 };


async function signIn(device: Device, email: string) {
  await new LoginPage(device.page).signIn(email);
  const header = new SyncHeader(device.page);
  await header.expectSyncComplete();
  return { header, page: device.page };
}

/** The supplier invites `email` from the dashboard; returns the new invitation's id once the server has it. */
async function inviteOnline(world: World, page: Page, email: string): Promise<string> {
  const list = new InvitationsPanel(page);
  const before = await list.idsTo(email);
  await new DashboardPage(page).invite(email);
  await expect(list.rowsTo(email)).toHaveCount(before.length + 1);
  const [id] = (await list.idsTo(email)).filter((i) => !before.includes(i));
  await expect(list.row(id!)).toHaveAttribute('data-sync', 'synced');
  expect(await sql(world, 'SELECT id FROM invitations WHERE id = $1', [id])).toHaveLength(1);
  return id!;
}

const invitationCounts = (world: World, inviter: string, emails: string[]) =>
  sql<{ recipient_email: string; n: number }>(
    world,
    `SELECT i.recipient_email, count(*)::int AS n FROM invitations i JOIN users u ON u.id = i.inviter_id
      WHERE u.email = $1 AND i.recipient_email = ANY($2) GROUP BY i.recipient_email ORDER BY i.recipient_email`,
    [inviter, emails],
  );

const acceptances = (world: World, invitationId: string) =>
  sql<{ id: string; rev: number; created_at: Date }>(
    world,
    `SELECT id, rev, created_at FROM viral_events WHERE invitation_id = $1 AND type = 'invitation.accepted'`,
    [invitationId],
  );

const statusOf = async (world: World, invitationId: string) =>
  (await sql<{ status: string }>(world, 'SELECT status FROM invitations WHERE id = $1', [invitationId]))[0]?.status;

test('PRIO1/ORD1: offline, a supplier makes 20 invitations and a couple accepts then invites 3 friends; back online the acceptance reaches the server before the couple\'s invitations, each invitation lands once, and both screens agree', async ({ world, openDevice }) => {
  const supplier = await openDevice('supplier tablet');
  const couple = await openDevice('couple phone');
  const s = await signIn(supplier, SUPPLIER);
  const c = await signIn(couple, COUPLE);
  const supplierList = new InvitationsPanel(s.page);
  const forYou = new ForYouPanel(c.page);

  // Online: the supplier invites the couple, and the couple's phone receives it.
  const invitationId = await inviteOnline(world, s.page, COUPLE);
  await expect(forYou.row(invitationId)).toHaveAttribute('data-status', 'queued');
  await c.header.expectSyncComplete();

  await supplier.offline();
  await couple.offline();
  await s.header.expectOffline();
  await c.header.expectOffline();

  // The supplier, offline, makes 20 invitations.
  const guests = addresses('guest', 20);
  for (const email of guests) await s.header.quickInvite(email);
  await expect(s.header.pending).toHaveText('(20 pending)');
  await supplierList.expectAll(guests, 'pending');

  // The couple, offline, accepts, and only then invites 3 friends.
  await forYou.accept(invitationId);
  await expect(forYou.waitingToSync(invitationId)).toBeVisible();
  const friends = addresses('friend', 3);
  for (const email of friends) await c.header.quickInvite(email);
  await expect(c.header.pending).toHaveText('(4 pending)');
  await new InvitationsPanel(c.page).expectAll(friends, 'pending');

  // Nothing has reached the server.
  expect(await invitationCounts(world, SUPPLIER, guests)).toEqual([]);
  expect(await invitationCounts(world, COUPLE, friends)).toEqual([]);
  expect(await acceptances(world, invitationId)).toEqual([]);

  // Both devices come back at once (which of them reaches the server first is not promised).
  await Promise.all([supplier.online(), couple.online()]);
  await expect(s.header.syncComplete).toBeVisible(RECONNECT);
  await expect(c.header.syncComplete).toBeVisible(RECONNECT);

  // Per device, the acceptance (P0) went before the couple's own new invitations (P1).
  const [accepted, ...more] = await acceptances(world, invitationId);
  expect(more).toEqual([]);
  const friendRows = await sql<{ recipient_email: string; rev: number; created_at: Date }>(
    world,
    'SELECT recipient_email, rev, created_at FROM invitations WHERE recipient_email = ANY($1)',
    [friends],
  );
  expect(friendRows).toHaveLength(3);
  for (const row of friendRows) {
    expect(row.rev, `${row.recipient_email} arrived after the acceptance`).toBeGreaterThan(accepted!.rev);
    expect(row.created_at.getTime()).toBeGreaterThanOrEqual(accepted!.created_at.getTime());
  }

  // Every invitation is in PostgreSQL exactly once.
  expect(await invitationCounts(world, SUPPLIER, guests)).toEqual([...guests].sort().map((recipient_email) => ({ recipient_email, n: 1 })));
  expect(await invitationCounts(world, COUPLE, friends)).toEqual([...friends].sort().map((recipient_email) => ({ recipient_email, n: 1 })));
  await supplierList.expectAll(guests, 'synced');
  await new InvitationsPanel(c.page).expectAll(friends, 'synced');

  // Both screens show the server's status of the accepted invitation.
  expect(await statusOf(world, invitationId)).toBe('accepted');
  await expect(supplierList.row(invitationId)).toHaveAttribute('data-status', 'accepted');
  await expect(forYou.row(invitationId)).toHaveAttribute('data-status', 'accepted');
  await expect(forYou.waitingToSync(invitationId)).toHaveCount(0);
  await s.header.expectSyncComplete();
  await c.header.expectSyncComplete();
});

test('PRIO1: an acceptance made offline after 3 new invitations still reaches the server before them (priority, not age)', async ({ world, openDevice }) => {
  const supplier = await openDevice('supplier tablet');
  const couple = await openDevice('couple phone');
  const s = await signIn(supplier, SUPPLIER);
  const c = await signIn(couple, COUPLE);
  const forYou = new ForYouPanel(c.page);
  const invitationId = await inviteOnline(world, s.page, COUPLE);
  await expect(forYou.row(invitationId)).toHaveAttribute('data-status', 'queued');

  await couple.offline();
  await c.header.expectOffline();
  const friends = addresses('early-friend', 3);
  for (const email of friends) await c.header.quickInvite(email);
  await forYou.accept(invitationId);
  await expect(c.header.pending).toHaveText('(4 pending)');

  await couple.online();
  await expect(c.header.syncComplete).toBeVisible(RECONNECT);
  const [accepted, ...more] = await acceptances(world, invitationId);
  expect(more).toEqual([]);
  const friendRows = await sql<{ recipient_email: string; rev: number }>(
    world,
    'SELECT recipient_email, rev FROM invitations WHERE recipient_email = ANY($1)',
    [friends],
  );
  expect(friendRows).toHaveLength(3);
  for (const row of friendRows) expect(row.rev, `${row.recipient_email}, made earlier, arrived after the acceptance`).toBeGreaterThan(accepted!.rev);
  await expect(forYou.row(invitationId)).toHaveAttribute('data-status', 'accepted');
});

test('REF1/REF2: an acceptance made offline of an invitation the supplier cancelled meanwhile is refused with the server\'s reason, stays on the phone, and keeps `Sync complete` away until it is discarded', async ({ world, openDevice }) => {
  const supplier = await openDevice('supplier tablet');
  const couple = await openDevice('couple phone');
  const s = await signIn(supplier, SUPPLIER);
  const c = await signIn(couple, COUPLE);
  const supplierList = new InvitationsPanel(s.page);
  const forYou = new ForYouPanel(c.page);

  const invitationId = await inviteOnline(world, s.page, COUPLE);
  await expect(forYou.row(invitationId)).toHaveAttribute('data-status', 'queued');

  // What the server answers the phone's event pushes.
  const answers: { invitationIds: string[]; body: Promise<{ results: { id: string; outcome: string; error?: { message: string } }[] }> }[] = [];
  couple.context.on('requestfinished', (req) => {
    if (!req.url().endsWith('/api/sync/viral_events/push')) return;
    const rows = (req.postDataJSON() as { rows: { newDocumentState: { invitationId: string } }[] }).rows;
    answers.push({ invitationIds: rows.map((r) => r.newDocumentState.invitationId), body: req.response().then((r) => r!.json()) });
  });

  // The couple, offline, accepts; meanwhile the supplier, online, cancels.
  await couple.offline();
  await c.header.expectOffline();
  await forYou.accept(invitationId);
  await expect(forYou.waitingToSync(invitationId)).toBeVisible();
  await supplierList.cancel(invitationId);
  await expect(supplierList.row(invitationId)).toHaveAttribute('data-status', 'cancelled');
  await expect(supplierList.row(invitationId)).toHaveAttribute('data-sync', 'synced');
  await expect.poll(() => statusOf(world, invitationId)).toBe('cancelled');

  // Back online: the server refuses the acceptance, and the phone says why, on the item.
  await couple.online();
  await expect(forYou.refusal(invitationId)).toBeVisible(RECONNECT);
  const pushes = answers.filter((a) => a.invitationIds.includes(invitationId));
  expect(pushes).toHaveLength(1);
  const [result] = (await pushes[0]!.body).results;
  expect(result).toMatchObject({ outcome: 'refused', error: { code: 'INVALID_INPUT' } });
  await expect(forYou.refusal(invitationId)).toHaveText(result!.error!.message);
  expect(result!.error!.message).toMatch(/cancelled/);
  await expect(forYou.row(invitationId)).toHaveAttribute('data-status', 'cancelled');

  // The header counts it as refused and does not claim the sync is complete.
  await expect(c.header.refused).toHaveText('1 refused');
  await c.header.expectPhase('refused');
  await expect(c.header.syncComplete).toHaveCount(0);
  await expect(c.header.pending).toHaveCount(0);
  expect(await acceptances(world, invitationId)).toEqual([]);

  // Nothing is dropped silently: after a reload the refused acceptance and its reason are still there.
  await c.page.reload();
  await expect(forYou.refusal(invitationId)).toHaveText(result!.error!.message);
  await expect(c.header.refused).toHaveText('1 refused');
  await c.header.expectPhase('refused');

  // Discarding it is the user's decision; then the device is in sync with the server.
  await forYou.discard(invitationId);
  await expect(forYou.refusal(invitationId)).toHaveCount(0);
  await expect(c.header.refused).toHaveCount(0);
  await c.header.expectSyncComplete();
  await expect(forYou.row(invitationId)).toHaveAttribute('data-status', 'cancelled');
  await expect(forYou.row(invitationId).getByTestId('accept-invitation')).toHaveCount(0);
  expect(await statusOf(world, invitationId)).toBe('cancelled');
  expect(await acceptances(world, invitationId)).toEqual([]);
  expect(answers.filter((a) => a.invitationIds.includes(invitationId))).toHaveLength(1);
});

test('LIVE3: two tabs of one supplier each make 5 invitations offline; back online all 10 land once, both tabs list them as synced, and no invitation is pushed by both tabs', async ({ world, openDevice }) => {
  const tablet = await openDevice('supplier tablet');
  const a = await signIn(tablet, SUPPLIER);
  const tabB = await tablet.newTab();
  await tabB.goto('/dashboard/viral');
  const b = { header: new SyncHeader(tabB), page: tabB };
  await b.header.expectSyncComplete();

  // Every invitation push that reached the server, and which tab sent it.
  const pushes: { tab: 'A' | 'B' | '?'; ids: string[] }[] = [];
  tablet.context.on('requestfinished', (req) => {
    if (!req.url().endsWith('/api/sync/invitations/push')) return;
    let tab: 'A' | 'B' | '?' = '?';
    try {
      const page = req.frame().page();
      tab = page === a.page ? 'A' : page === tabB ? 'B' : '?';
    } catch {
      /* a service worker's request has no frame */
    }
    const rows = (req.postDataJSON() as { rows: { newDocumentState: { id: string } }[] }).rows;
    pushes.push({ tab, ids: rows.map((r) => r.newDocumentState.id) });
  });

  await tablet.offline();
  await a.header.expectOffline();
  await b.header.expectOffline();
  const fromA = addresses('tab-a-guest', 5);
  const fromB = addresses('tab-b-guest', 5);
  for (const email of fromA) await a.header.quickInvite(email);
  for (const email of fromB) await b.header.quickInvite(email);
  const all = [...fromA, ...fromB];
  for (const tab of [a, b]) {
    await expect(tab.header.pending).toHaveText('(10 pending)');
    await new InvitationsPanel(tab.page).expectAll(all, 'pending');
  }
  expect(await invitationCounts(world, SUPPLIER, all)).toEqual([]);

  await tablet.online();
  await expect(a.header.syncComplete).toBeVisible(RECONNECT);
  await expect(b.header.syncComplete).toBeVisible(RECONNECT);
  for (const tab of [a, b]) await new InvitationsPanel(tab.page).expectAll(all, 'synced');
  expect(await invitationCounts(world, SUPPLIER, all)).toEqual([...all].sort().map((recipient_email) => ({ recipient_email, n: 1 })));

  // The server received each of the 10 in exactly one push, from one tab (the leader).
  const ids = new Map<string, string>();
  for (const tab of [a, b]) {
    for (const email of all) ids.set((await new InvitationsPanel(tab.page).idsTo(email))[0]!, email);
  }
  expect(ids.size).toBe(10);
  const sent = pushes.flatMap((p) => p.ids.map((id) => ({ id, tab: p.tab })));
  expect(sent.map((x) => x.id).sort()).toEqual([...ids.keys()].sort());
  const tabs = new Set(sent.map((x) => x.tab));
  expect(tabs.size, `pushed by ${[...tabs].join(' and ')}`).toBe(1);
  expect(tabs.has('?')).toBe(false);
});

test('VER2: when the server answers that the app speaks an old protocol (426), the app asks the user to update and keeps its work', async ({ openDevice }) => {
  const supplier = await openDevice('supplier tablet');
  const { header, page } = await signIn(supplier, SUPPLIER);
  // The server moved on to a newer protocol than this build speaks.
  await page.route('**/api/sync/**', (route) =>
    route.fulfill({
      status: 426,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'PROTOCOL_OUTDATED', message: 'this app speaks sync protocol 1, the server 2: please update' } }),
    }),
  );
  const [email] = addresses('outdated', 1);
  await new DashboardPage(page).invite(email!);
  await expect(page.getByTestId('app-outdated')).toContainText('please update');
  await expect(page.getByTestId('invitation-row').filter({ hasText: email! })).toHaveAttribute('data-sync', 'pending');
  await expect(header.indicator.getByText('Sync complete')).toHaveCount(0);
});

test('PRIO3: the app opened offline at a venue pulls, once back online, the metrics snapshot first, then invitations, then history', async ({ world, openDevice }) => {
  const supplier = await openDevice('supplier tablet');
  const couple = await openDevice('couple phone');
  // The supplier's clock is Playwright's, so "a long time away" passes without waiting for it.
  await supplier.page.clock.install();
  const s = await signIn(supplier, SUPPLIER);
  await ensureServiceWorkerControls(s.page);
  const c = await signIn(couple, COUPLE);
  const invitationId = await inviteOnline(world, s.page, COUPLE);
  const forYou = new ForYouPanel(c.page);
  await expect(forYou.row(invitationId)).toHaveAttribute('data-status', 'queued');

  await supplier.offline();
  await s.header.expectOffline();
  await s.page.reload();
  await s.header.expectOffline();
  // While the supplier is away, all three of their collections move: the couple accepts.
  await forYou.accept(invitationId);
  await expect.poll(() => statusOf(world, invitationId)).toBe('accepted');
  // Minutes pass: every pull the app tries fails and is retried.
  await supplier.page.clock.fastForward('05:00');

  // What the page asks for once it is back, in the order requests start and finish.
  const log: string[] = [];
  const pullOf = (url: string) => /\/api\/sync\/(\w+)\/pull$/.exec(new URL(url).pathname)?.[1];
  supplier.page.on('request', (r) => void (pullOf(r.url()) && log.push(`start ${pullOf(r.url())}`)));
  supplier.page.on('requestfinished', (r) => void (pullOf(r.url()) && log.push(`end ${pullOf(r.url())}`)));
  await supplier.online();
  await expect(new InvitationsPanel(s.page).row(invitationId)).toHaveAttribute('data-status', 'accepted', RECONNECT);
  await expect(s.header.syncComplete).toBeVisible(RECONNECT);
  await expect.poll(() => log.includes('end viral_events'), RECONNECT).toBe(true);

  const first = (entry: string) => log.indexOf(entry);
  expect(first('end metrics'), log.join(', ')).toBeGreaterThanOrEqual(0);
  expect(first('start invitations'), `invitations before the snapshot: ${log.join(', ')}`).toBeGreaterThan(first('end metrics'));
  expect(first('start viral_events'), `history before invitations: ${log.join(', ')}`).toBeGreaterThan(first('end invitations'));
});
