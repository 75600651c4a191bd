/**
 * A replication that lost its leader tab still pushes everything it holds (SPEC LIVE3). Only
 * the RxDB leader tab of a device replicates; when that tab is closed, or frozen by the browser
 * (client/sync/userSync.ts handOverLeadershipWhenFrozen gives up the lead on `freeze`), another
 * tab of the same device must take over and push what it holds, each invitation exactly once.
 *
 * Tab A is opened and synced first, so it leads; before the leader goes away each test checks
 * that it does, by having an invitation made in tab B pushed by tab A.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { InvitationsPanel } from './pages/InvitationsPanel';
import { LoginPage } from './pages/LoginPage';
import { SyncHeader } from './pages/SyncHeader';
import { expect, sql, test } from './support/devices';
import type { World } from './support/fixtures';
import { addresses } from './support/addresses';

const SUPPLIER = 'ritz@demo.plusone';
/** After the network returns, or a new leader is elected: reconnection backs off up to 5 s. */
const RECONNECT = { timeout: 30_000 };


const invitationCounts = (world: World, emails: string[]) =>
  sql<{ recipient_email: string; n: number }>(
    world,
    `SELECT i.recipient_email, count(*)::int AS n FROM invitations i JOIN users u ON u.id = i.inviter_id
      WHERE u.email = $1 AND i.recipient_email = ANY($2) GROUP BY i.recipient_email ORDER BY i.recipient_email`,
    [SUPPLIER, emails],
  );

const once = (emails: string[]) => [...emails].sort().map((recipient_email) => ({ recipient_email, n: 1 }));

type Tab = 'A' | 'B' | '?';

/**
 * Every invitation push the server answered (200), and which tab sent it. A push the network
 * failed (the relay coming back) is retried by design and is not a second push.
 */
function recordPushes(context: BrowserContext, tabs: { A: Page; B: Page }) {
  const pushes: { tab: Tab; ids: string[] }[] = [];
  context.on('requestfinished', async (req) => {
    if (!req.url().endsWith('/api/sync/invitations/push')) return;
    if ((await req.response())?.status() !== 200) return;
    let tab: Tab = '?';
    try {
      const page = req.frame().page();
      tab = page === tabs.A ? 'A' : page === tabs.B ? 'B' : '?';
    } catch {
      /* a service worker's request has no frame */
    }
    const rows = (req.postDataJSON() as { rows: { newDocumentState: { id: string } }[] }).rows;
    pushes.push({ tab, ids: rows.map((r) => r.newDocumentState.id) });
  });
  /** The tabs that pushed the invitation `id`, one entry per push. */
  const pushedBy = (id: string) => pushes.filter((p) => p.ids.includes(id)).map((p) => p.tab);
  return { pushes, pushedBy };
}

/** Tab A signs in and syncs; then tab B opens on the dashboard in the same context and syncs. */
async function twoTabs(openDevice: (name: string) => Promise<import('./support/devices').Device>) {
  const tablet = await openDevice('supplier tablet');
  const pageA = tablet.page;
  await new LoginPage(pageA).signIn(SUPPLIER);
  const headerA = new SyncHeader(pageA);
  await headerA.expectSyncComplete();
  const pageB = await tablet.newTab();
  await pageB.goto('/dashboard/viral');
  const headerB = new SyncHeader(pageB);
  await headerB.expectSyncComplete();
  return { tablet, pageA, headerA, pageB, headerB };
}

/** Makes one invitation in tab B while online and checks that tab A, the leader, pushed it. */
async function expectALeads(world: World, pageB: Page, headerB: SyncHeader, pushedBy: (id: string) => Tab[]) {
  const [probe] = addresses('leader-probe', 1);
  await headerB.quickInvite(probe!);
  const list = new InvitationsPanel(pageB);
  await list.expectAll([probe!], 'synced');
  const [id] = await list.idsTo(probe!);
  expect(await invitationCounts(world, [probe!])).toEqual(once([probe!]));
  expect(pushedBy(id!), 'tab A, opened first, leads and pushes').toEqual(['A']);
}

/** The server received each of `emails` in exactly one push, from tab B. */
async function expectPushedOnceByB(page: Page, emails: string[], pushedBy: (id: string) => Tab[]) {
  const list = new InvitationsPanel(page);
  for (const email of emails) {
    const ids = await list.idsTo(email);
    expect(ids).toHaveLength(1);
    expect(pushedBy(ids[0]!), `tabs that pushed ${email} (only B, the new leader, may)`).toEqual(['B']);
  }
}

test('LIVE3: the leader tab is closed while the other tab holds 3 invitations made offline; back online the remaining tab takes over and pushes all 3, once each', async ({ world, openDevice }) => {
  const { tablet, pageA, headerA, pageB, headerB } = await twoTabs(openDevice);
  const { pushedBy } = recordPushes(tablet.context, { A: pageA, B: pageB });
  await expectALeads(world, pageB, headerB, pushedBy);

  await tablet.offline();
  await headerA.expectOffline();
  await headerB.expectOffline();
  const guests = addresses('closed-leader-guest', 3);
  for (const email of guests) await headerB.quickInvite(email);
  await expect(headerB.pending).toHaveText('(3 pending)');
  const listB = new InvitationsPanel(pageB);
  await listB.expectAll(guests, 'pending');
  expect(await invitationCounts(world, guests)).toEqual([]);

  // The leader goes away while the device is offline; then the network comes back.
  await pageA.close();
  await tablet.online();

  await expect(headerB.syncComplete).toBeVisible(RECONNECT);
  await listB.expectAll(guests, 'synced');
  expect(await invitationCounts(world, guests)).toEqual(once(guests));
  await expectPushedOnceByB(pageB, guests, pushedBy);
  await headerB.expectSyncComplete();
});

test('LIVE3: the leader tab is frozen; the other tab takes over and pushes its 3 new invitations once each, and the leader, resumed, reloads and lists them synced', async ({ world, openDevice }) => {
  const { tablet, pageA, headerA, pageB, headerB } = await twoTabs(openDevice);
  const { pushedBy } = recordPushes(tablet.context, { A: pageA, B: pageB });
  await expectALeads(world, pageB, headerB, pushedBy);

  // The browser freezes the leader tab (as it does to a background tab); it keeps its lock
  // unless it hands over the lead itself. Headless Chromium never freezes a page (it always
  // counts as visible, and CDP's setWebLifecycleState has no effect there), so the lifecycle
  // event the browser sends before freezing is dispatched by hand.
  await pageA.evaluate(() => document.dispatchEvent(new Event('freeze')));

  const guests = addresses('frozen-leader-guest', 3);
  for (const email of guests) await headerB.quickInvite(email);
  const listB = new InvitationsPanel(pageB);
  await listB.expectAll(guests, 'synced');
  await expect(headerB.syncComplete).toBeVisible(RECONNECT);
  expect(await invitationCounts(world, guests)).toEqual(once(guests));
  await expectPushedOnceByB(pageB, guests, pushedBy);

  // Resumed, tab A reloads, joins the election as a new tab, and lists the 3 as synced.
  const reloaded = pageA.waitForEvent('load');
  await pageA.evaluate(() => document.dispatchEvent(new Event('resume')));
  await reloaded;
  await new InvitationsPanel(pageA).expectAll(guests, 'synced');
  await headerA.expectSyncComplete();
  await headerB.expectSyncComplete();
  expect(await invitationCounts(world, guests)).toEqual(once(guests));
  await expectPushedOnceByB(pageB, guests, pushedBy);
});
