/**
 * `/admin/marketing` against the built PWA and a real server with demo data: the owner sees the
 * built-in segments counted as the brief words them, the attribution report's referred revenue,
 * writes a custom segment (and is told why a bad one is refused), reads a member list and
 * exports it; the marketing feed shows each segment's latest changes and the webhook endpoints
 * that receive them, as the database holds them; with the network cut, the counts and the
 * report still show from the cache.
 */
import { readFileSync } from 'node:fs';
import { refreshSegments } from '../../server/segments/service';
import { builtInSegments } from '../../shared/analytics/segments';
import { LoginPage } from '../pages/LoginPage';
import { MarketingPage } from '../pages/MarketingPage';
import { AppHeader } from '../pages/AppHeader';
import { ensureServiceWorkerControls, expect, test } from '../support/fixtures';

const ARTIFACTS = 'e2e/artifacts';
const COUNT = String.raw`(\d[\d,]*|fewer than 5) users?`;
const title = (name: string) => new RegExp(`^${name} \\(${COUNT}\\)$`);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test.beforeAll(async ({ world }) => {
  // The publisher refreshes memberships after writes; make sure a first evaluation exists.
  await refreshSegments(world.server.testDb.db, new Date());
});

test('the owner sees the segments, the attribution report, and creates a custom segment', async ({ page }) => {
  await new LoginPage(page).signIn('owner@demo.plusone');
  const marketing = new MarketingPage(page);
  await marketing.open();

  for (const name of ['Super-Connectors', 'High Viral Activity', 'Dormant Inviters', 'Newly Referred']) {
    await expect(marketing.title(name)).toHaveText(title(name));
  }
  // The marketing feed titles each segment exactly as its card does (one count, one moment).
  for (const name of ['Super-Connectors', 'High Viral Activity', 'Dormant Inviters', 'Newly Referred']) {
    await expect(async () => {
      const feedTitle = page.getByTestId('segment-feed-row').locator('h3').filter({ hasText: new RegExp(`^${name} \\(`) });
      expect(await feedTitle.textContent()).toBe(await marketing.title(name).textContent());
    }).toPass({ timeout: 15_000 });
  }
  await expect(marketing.report).toContainText(/Referred Revenue: \$\d[\d,]*(\.\d\d)?/);
  for (const by of ['referrer', 'channel', 'variant', 'month']) {
    await expect(marketing.report.getByTestId(`revenue-by-${by}`)).toBeVisible();
  }
  for (const row of await marketing.report.locator('tr[data-suppressed="true"]').all()) {
    await expect(row).toContainText('fewer than 5');
  }

  // A rule the server cannot make sense of is refused with its reason, and nothing is added.
  await marketing.createSegment('Nonsense', 'and', [['connections', 'gt', 'lots']]);
  await expect(marketing.error).toHaveText(/connections needs a number for gt/);
  await expect(marketing.card('Nonsense')).toHaveCount(0);

  await marketing.createSegment('Busy suppliers', 'and', [
    ['role', 'eq', 'supplier'],
    ['invitations30d', 'gte', '1'],
  ]);
  await expect(marketing.error).toHaveCount(0);
  await expect(marketing.title('Busy suppliers')).toHaveText(title('Busy suppliers'));
  const card = marketing.card('Busy suppliers');
  await expect(card.getByTestId('segment-rule')).toHaveText('Role is supplier and Invitations (30 days) ≥ 1');
  await card.getByTestId('show-members').click();
  await expect(card.getByTestId('segment-members').getByRole('row', { name: /Rita Castell/ })).toBeVisible();

  const download = page.waitForEvent('download');
  await card.getByTestId('export-csv').click();
  const csv = readFileSync((await (await download).path())!, 'utf8');
  expect(csv.split('\n')[0]).toBe('userId,name,email,role,tier,connections,invitations30d,accepted30d,k30d,daysSinceLastInvitation,daysSinceReferred,referralDepth,referredRevenue,bookings');
  expect(csv).toContain('ritz@demo.plusone');

  await page.reload();
  await expect(marketing.title('Busy suppliers')).toBeVisible();
  await page.screenshot({ path: `${ARTIFACTS}/admin-marketing.png`, fullPage: true });
});

test('the marketing feed shows each segment’s latest membership changes and the webhook endpoints that receive them, as recorded', async ({ page, world }) => {
  const db = world.server.testDb.db;
  await new LoginPage(page).signIn('owner@demo.plusone');
  // Three endpoints: every segment's changes, only the Super-Connectors', and none (acceptances only).
  const register = async (path: string, eventTypes: string[], segmentIds?: string[]) => {
    const res = await page.request.post('/api/webhooks/endpoints', { data: { url: `http://127.0.0.1:9/${path}`, eventTypes, segmentIds }, headers: { 'x-plusone-csrf': '1' } });
    expect(res.status(), await res.text()).toBe(201);
    return ((await res.json()) as { endpoint: { id: string; url: string } }).endpoint;
  };
  const every = await register('every-segment', ['segment.membership_changed']);
  const superOnly = await register('super-connectors-only', ['segment.membership_changed'], ['super-connectors']);
  const elsewhere = await register('acceptances-only', ['invitation.accepted']);
  try {
    const marketing = new MarketingPage(page);
    await marketing.open();
    const ids = [...builtInSegments.map((s) => s.id), ...(await db.query<{ id: string }>('SELECT id FROM segments ORDER BY created_at, id')).map((r) => r.id)];
    await expect(marketing.feedRows).toHaveCount(ids.length);

    // What the database holds: each segment's ten latest joins and leaves, and every endpoint
    // subscribed to membership changes (for all segments, or naming this one).
    const endpoints = await db.query<{ url: string; status: string; segment_ids: string[] | null }>(
      `SELECT url, status, segment_ids FROM webhook_endpoints WHERE 'segment.membership_changed' = ANY (event_types) ORDER BY created_at, id`,
    );
    let changes = 0;
    for (const id of ids) {
      const row = marketing.feedRow(id);
      const receivers = endpoints.filter((e) => e.segment_ids === null || e.segment_ids.includes(id)).map((e) => (e.status === 'disabled' ? `${e.url} (disabled)` : e.url));
      expect(receivers).toContain(every.url);
      expect(receivers.includes(superOnly.url)).toBe(id === 'super-connectors');
      expect(receivers).not.toContain(elsewhere.url);
      await expect(row.getByTestId('segment-endpoints')).toHaveText(`Sent to: ${receivers.join(', ')}`);

      const recent = await db.query<{ who: string; type: string }>(
        `SELECT coalesce(u.name, v.actor_id) AS who, v.type FROM viral_events v LEFT JOIN users u ON u.id = v.actor_id
          WHERE v.type IN ('segment.joined', 'segment.left') AND v.data ->> 'segmentId' = $1 ORDER BY v.rev DESC LIMIT 10`,
        [id],
      );
      changes += recent.length;
      const expected = recent.map((r) => new RegExp(`^${escapeRegExp(`${r.who} ${r.type === 'segment.joined' ? 'joined' : 'left'}`)} \\d`));
      await expect(row.getByTestId('segment-change')).toHaveText(expected);
    }
    // The demo data's first evaluation put people in segments: the feed is not empty by accident.
    expect(changes).toBeGreaterThan(0);
  } finally {
    for (const e of [every, superOnly, elsewhere]) await page.request.delete(`/api/webhooks/endpoints/${e.id}`, { headers: { 'x-plusone-csrf': '1' } });
  }
});

test('nobody but the owner reaches the marketing screen', async ({ page }) => {
  await new LoginPage(page).signIn('ritz@demo.plusone');
  await page.goto('/admin/marketing');
  await page.waitForURL('**/dashboard/viral');
  await expect(page.getByTestId('segment-card')).toHaveCount(0);
});

test('with the network cut, the segment counts and the attribution report show from the cached snapshots', async ({ page, context, world }) => {
  // The screen shows offline what the device cached: wait until the server has published the
  // segments snapshot the device will pull.
  await expect
    .poll(async () => {
      await world.server.plusone.metrics.refresh();
      return (await world.server.testDb.db.query<{ n: number }>("SELECT count(*)::int AS n FROM metrics WHERE kind = 'segments'"))[0]!.n;
    })
    .toBeGreaterThan(0);

  await new LoginPage(page).signIn('owner@demo.plusone');
  await ensureServiceWorkerControls(page);
  const marketing = new MarketingPage(page);
  await marketing.open();
  const header = new AppHeader(page);
  await header.expectSyncComplete();
  await expect(marketing.title('Super-Connectors')).toHaveText(title('Super-Connectors'));
  const counts = await marketing.cards.getByTestId('segment-title').allTextContents();

  await world.offline(context);
  try {
    await page.reload();
    await expect(header.indicator.getByText('Offline Mode')).toBeVisible();
    for (const name of ['Super-Connectors', 'High Viral Activity', 'Dormant Inviters', 'Newly Referred']) {
      await expect(marketing.title(name)).toHaveText(counts.find((t) => t.startsWith(`${name} (`))!);
    }
    await expect(marketing.report).toContainText(/Referred Revenue: \$\d/);
    await expect(page.getByTestId('create-segment')).toBeDisabled();
    await marketing.card('Super-Connectors').getByTestId('show-members').click();
    await expect(page.getByTestId('segment-members-unavailable')).toContainText('need a connection');
  } finally {
    await world.online(context);
  }
});
