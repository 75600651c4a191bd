/**
 * The product brief's whole journey in one run, with DESIGN §8's stable names, against the built
 * PWA and a real server on a fresh database with demo data:
 * 1. Ritz, the venue coordinator and a super-connector, sees her tier and sends an email
 *    invitation, which shows the template variant the server stored;
 * 2. the message reaches the local SMTP server; on a phone, the couple opens its link, accepts,
 *    signs up, and sees who referred them and their chain depth;
 * 3. Ritz's dashboard, open all along, follows K live; the owner sees the segments and the
 *    referred revenue;
 * 4. offline, Ritz queues an invitation from the header; back online it syncs, once.
 * Every expected figure is read from the database or the API, never written here.
 */
import type { Browser, BrowserContext, BrowserContextOptions } from '@playwright/test';
import { simpleParser } from 'mailparser';
import { isSuppressed, SUPPRESSED_LABEL } from '../shared/analytics/privacy';
import { builtInSegments, segmentTitle } from '../shared/analytics/segments';
import { tierLabel, type ConnectorTier } from '../shared/analytics/superConnector';
import { AnalyticsPage } from './pages/AnalyticsPage';
import { InvitePage } from './pages/InvitePage';
import { InviterDashboard } from './pages/InviterDashboard';
import { LoginPage } from './pages/LoginPage';
import { MarketingPage } from './pages/MarketingPage';
import { ReferralPage } from './pages/ReferralPage';
import { SyncHeader } from './pages/SyncHeader';
import { addresses } from './support/addresses';
import { sql } from './support/devices';
import { expect, test, type World } from './support/fixtures';

// Delivery workers on (off by default in tests); no SMTP_URL, so email goes to the server's
// local SMTP peer, as in demo mode.
test.use({ serverEnv: { DELIVERY_WORKERS: '1', DELIVERY_POLL_MS: '100' } });

const ARTIFACTS = 'e2e/artifacts';
const RITZ = 'ritz@demo.plusone';
const OWNER = 'owner@demo.plusone';
const INVITE_LINK = /https?:\/\/[^\s]+\/i\/[A-Za-z0-9_-]{22}/;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

interface Coefficient {
  k: number;
  inviters: number;
  sent: number;
  accepted: number;
}

const count = (n: number) => n.toLocaleString('en-US');

// The couple's phone and the owner's browser are contexts of the worker's browser: closed after
// each run, passed or failed, so a failed repeat leaves no open page behind for the next.
const opened: BrowserContext[] = [];
async function openContext(browser: Browser, options: BrowserContextOptions): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  opened.push(context);
  return context;
}
test.afterEach(async () => {
  for (const context of opened.splice(0)) await context.close();
});

async function tierOf(world: World, userId: string): Promise<ConnectorTier | null> {
  const [row] = await sql<{ tier: ConnectorTier | null }>(world, 'SELECT tier FROM connector_stats WHERE supplier_id = $1', [userId]);
  return row?.tier ?? null;
}

/** How many referrers stand above a user: the chain depth, walked over users.referred_by. */
async function chainDepthOf(world: World, userId: string): Promise<number> {
  const [row] = await sql<{ depth: number }>(
    world,
    `WITH RECURSIVE up (id, referred_by, depth) AS (
       SELECT id, referred_by, 0 FROM users WHERE id = $1
       UNION ALL
       SELECT u.id, u.referred_by, up.depth + 1 FROM users u JOIN up ON u.id = up.referred_by WHERE up.depth < 50)
     SELECT max(depth)::int AS depth FROM up`,
    [userId],
  );
  return row!.depth;
}

/**
 * Referred revenue, counted the plain way: every booking made by someone who has a referrer
 * (however far down a chain), in dollars, and how many such people booked.
 */
async function referredBookings(world: World): Promise<{ dollars: number; people: number }> {
  const bookings = await sql<{ couple_id: string; cents: string }>(
    world,
    `SELECT couple_id, amount_cents::text AS cents FROM bookings
      WHERE couple_id IN (SELECT id FROM users WHERE referred_by IS NOT NULL)`,
  );
  const cents = bookings.reduce((sum, b) => sum + Number(b.cents), 0);
  return { dollars: cents / 100, people: new Set(bookings.map((b) => b.couple_id)).size };
}

const dollars = (amount: number) =>
  `$${amount.toLocaleString('en-US', Number.isInteger(amount) ? { maximumFractionDigits: 0 } : { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

test('the brief end to end: a super-connector invites, a couple joins from the email on a phone, K follows live, the owner sees segments and referred revenue, and an offline invitation syncs once', async ({ page, context, browser, world }) => {
  test.setTimeout(240_000);
  const [guest, offlineGuest] = addresses('journey', 2) as [string, string];
  const [ritz] = await sql<{ id: string; name: string }>(world, 'SELECT id, name FROM users WHERE email = $1', [RITZ]);
  const ritzApi = await world.server.as(RITZ);
  const coefficient = async () => {
    const res = await ritzApi.get<Coefficient>('/api/viral/coefficient');
    expect(res.status).toBe(200);
    return res.body;
  };
  const dashboard = new InviterDashboard(page);
  const header = new SyncHeader(page);

  await test.step('1. Ritz sees her super-connector tier, sends an email invitation and sees its template variant', async () => {
    // Whatever the server still had scheduled (tiers are recomputed there) is done before the tier is read.
    await world.server.plusone.metrics.settle();
    const tier = await tierOf(world, ritz!.id);
    expect(tier, 'Ritz is a super-connector in the demo data').not.toBeNull();

    await new LoginPage(page).signIn(RITZ);
    await expect(new AnalyticsPage(page).connectorTier).toHaveText(`Super-Connector: ${tierLabel(tier!)} Tier`);

    await dashboard.invite(guest, 'past_client');
    await expect(dashboard.row(guest)).toHaveAttribute('data-sync', 'synced');
    const stored = await sql<{ variant: string }>(world, 'SELECT variant FROM invitations WHERE recipient_email = $1', [guest]);
    expect(stored).toHaveLength(1);
    await expect(dashboard.variant(guest)).toHaveText(`Template variant: ${stored[0]!.variant}`);
    await page.screenshot({ path: `${ARTIFACTS}/journey-1-invitation.png`, fullPage: true });
  });

  // K before the acceptance, once Ritz's open dashboard shows what the server counts now.
  const before = await coefficient();
  await expect(dashboard.sent).toHaveText(count(before.sent));
  await expect(dashboard.accepted).toHaveText(count(before.accepted));
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

  const phone = await openContext(browser, PHONE);
  const couple = await phone.newPage();
  let coupleId = '';
  await test.step('2. the email reaches the SMTP server; on a phone the couple opens its link, accepts, signs up, and sees who referred them', async () => {
    const caught = await world.server.plusone.delivery.peers.smtp!.waitFor((m) => m.to.includes(guest), 30_000);
    const mail = await simpleParser(caught.raw);
    const link = INVITE_LINK.exec(mail.text ?? '')?.[0];
    expect(link, mail.text).toBeTruthy();

    await couple.goto(link!);
    await expect(couple).toHaveURL(/\/invite\/[A-Za-z0-9_-]{22}$/);
    const invite = new InvitePage(couple);
    await expect(invite.invitedBy).toContainText(ritz!.name);
    await invite.accept();
    await invite.signUp('Robin & Kai', guest);
    await expect(invite.accepted).toBeVisible();

    const [joined] = await sql<{ id: string; referred_by: string | null }>(world, 'SELECT id, referred_by FROM users WHERE email = $1', [guest]);
    expect(joined!.referred_by).toBe(ritz!.id);
    coupleId = joined!.id;

    await invite.accepted.getByRole('button', { name: 'Open PlusOne' }).click();
    await couple.waitForURL('**/dashboard/viral');
    const referrals = new ReferralPage(couple);
    await referrals.open();
    await expect(referrals.chainDepth).toHaveText(String(await chainDepthOf(world, coupleId)));
    // The referrer's tier may be recomputed after this acceptance: the page agrees with the data once it has settled.
    await expect(async () => {
      const tier = await tierOf(world, ritz!.id);
      const expected = tier ? `Referred by: ${tierLabel(tier)} Tier Super-Connector` : `Referred by: ${ritz!.name}`;
      expect(await referrals.referredBy.textContent()).toBe(expected);
    }).toPass({ timeout: 30_000 });
    await couple.screenshot({ path: `${ARTIFACTS}/journey-2-referred-couple.png`, fullPage: true });
  });

  await test.step("3. Ritz's open dashboard follows K live; the owner sees the segments and the referred revenue", async () => {
    const after = await coefficient();
    expect(after.accepted).toBe(before.accepted + 1);
    await expect(dashboard.accepted).toHaveText(count(after.accepted));
    await expect(dashboard.inviters).toHaveText(count(after.inviters));
    await expect(dashboard.coefficient).toHaveText(after.k.toFixed(2));
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/journey-3-live-k.png`, fullPage: true });

    const ownerContext = await openContext(browser, { baseURL: world.baseURL });
    const owner = await ownerContext.newPage();
    await new LoginPage(owner).signIn(OWNER);
    const marketing = new MarketingPage(owner);
    await marketing.open();
    const ownerApi = await world.server.as(OWNER);
    // Memberships are refreshed after writes (this acceptance among them): the cards agree with the API once settled.
    for (const id of ['super-connectors', 'high-viral-activity']) {
      const name = builtInSegments.find((s) => s.id === id)!.name;
      await expect(async () => {
        const { body } = await ownerApi.get<{ segments: { id: string; members: number }[] }>('/api/segments');
        const n = body.segments.find((s) => s.id === id)!.members;
        expect(await marketing.title(name).textContent()).toBe(isSuppressed(n) ? `${name} (${SUPPRESSED_LABEL} users)` : segmentTitle(name, n));
      }).toPass({ timeout: 30_000 });
    }
    const booked = await referredBookings(world);
    expect(isSuppressed(booked.people), 'enough referred people booked for the total to be shown').toBe(false);
    await expect(marketing.report.getByTestId('referred-revenue')).toHaveText(`Referred Revenue: ${dollars(booked.dollars)}`);
    await owner.screenshot({ path: `${ARTIFACTS}/journey-3-owner-marketing.png`, fullPage: true });
    await ownerContext.close();
  });
  await phone.close();

  await test.step('4. offline, Ritz queues an invitation from the header; back online it syncs, once', async () => {
    await header.expectSyncComplete();
    await world.offline(context);
    try {
      await header.expectOffline();
      await header.quickInvite(offlineGuest);
      await expect(header.indicator.getByText('Invitation queued for sync')).toBeVisible();
      await expect(dashboard.row(offlineGuest)).toHaveAttribute('data-sync', 'pending');
      expect(await sql(world, 'SELECT id FROM invitations WHERE recipient_email = $1', [offlineGuest])).toHaveLength(0);
      await page.screenshot({ path: `${ARTIFACTS}/journey-4-offline-queued.png`, fullPage: true });
    } finally {
      await world.online(context);
    }
    await header.expectSyncComplete();
    await expect(dashboard.row(offlineGuest)).toHaveAttribute('data-sync', 'synced');
    expect(await sql(world, 'SELECT id FROM invitations WHERE recipient_email = $1', [offlineGuest])).toHaveLength(1);
    await page.screenshot({ path: `${ARTIFACTS}/journey-4-synced.png`, fullPage: true });
  });
});
