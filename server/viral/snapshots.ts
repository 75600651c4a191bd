/**
 * Builds the analytics snapshots (shared/analytics/snapshots.ts) from the counters and tables.
 * Platform figures come from the incremental counters (kCounters.ts), so a snapshot costs a few
 * dozen index reads whatever the size of the platform. Breakdowns and cohorts pass through the
 * privacy rule: a slice over fewer than 5 inviters is suppressed, with a complement where one
 * hidden slice could be derived from the total.
 */
import { kInterval, shownMedian } from '../../shared/analytics/intervals';
import { breakdownLabels } from '../../shared/analytics/labels';
import { protectBreakdown, protectPeriods, protectTotal, windowDifferences } from '../../shared/analytics/privacy';
import type { ConnectorsData, KSlice, PlatformData, UserData } from '../../shared/analytics/snapshots';
import { connectorTiers } from '../../shared/analytics/superConnector';
import { funnel, kStatus, utcDay, viralCoefficient, weeklyCohorts, windowChoices, windowEnding } from '../../shared/viral';
import type { Queryable } from '../db/db';
import { countExcluded } from '../fraud/review';
import { readUserAttribution } from './attribution';
import { readConnector, readConnectors, readLeaderboard } from './connectors';
import { invitedOf, readBreakdown, readCycleHistogram, readWindow, type Dimension, type WindowCounts } from './kCounters';

export const TREND_WEEKS = 12;

const labels: Record<Exclude<Dimension, 'all'>, (val: string) => string> = breakdownLabels;

function slice(key: string, label: string, c: WindowCounts, suppressed: boolean): KSlice {
  if (suppressed) {
    return { key, label, inviters: null, invited: null, accepted: null, k: null, kLow: null, kHigh: null, acceptanceRate: null, suppressed };
  }
  const invited = invitedOf(c);
  const parts = viralCoefficient({ invited, accepted: c.accepted, inviters: c.inviters });
  const interval = kInterval(c.accepted, c.inviters);
  return {
    key,
    label,
    inviters: c.inviters,
    invited,
    accepted: c.accepted,
    k: parts.k,
    kLow: interval.low,
    kHigh: interval.high,
    acceptanceRate: parts.acceptanceRate,
    suppressed,
  };
}

async function breakdownSlices(db: Queryable, dim: Exclude<Dimension, 'all'>, w: ReturnType<typeof windowEnding>, totalInviters: number): Promise<KSlice[]> {
  const rows = (await readBreakdown(db, dim, w)).map((c) => ({ ...c, people: c.inviters }));
  return protectBreakdown(rows, { people: totalInviters }).map((r) => slice(r.val, labels[dim](r.val), r, r.suppressed));
}

/**
 * K of each of the last TREND_WEEKS weekly cohorts (the same for every window). Each platform
 * window is published beside them; one that spans whole weeks (the 30-day window on a Tuesday)
 * is their total, so a small week in it takes a complement (protectPeriods). So is the
 * difference of two published windows (30 − 7, 90 − 30, 90 − 7 days: they all end today), should
 * it span whole weeks. GET /api/viral/k publishes no other window (routes.ts).
 */
export async function readTrend(db: Queryable, now: Date): Promise<KSlice[]> {
  const weeks: Array<WindowCounts & { start: string; end: string; people: number }> = [];
  for (const week of weeklyCohorts(now, TREND_WEEKS)) {
    const c = await readWindow(db, 'all', '', week);
    weeks.push({ ...c, ...week, people: c.inviters });
  }
  const today = utcDay(now);
  const windows = [];
  for (const days of windowChoices) {
    const w = windowEnding(today, days);
    windows.push({ ...w, people: (await readWindow(db, 'all', '', w)).inviters });
  }
  return protectPeriods(weeks, [...windows, ...windowDifferences(windows)], today).map((c) => slice(c.start, `Week of ${c.start}`, c, c.suppressed));
}

export async function platformSnapshot(db: Queryable, windowDays: number, now: Date, trend?: KSlice[]): Promise<PlatformData> {
  const w = windowEnding(utcDay(now), windowDays);
  const all = await readWindow(db, 'all', '', w);
  const invited = invitedOf(all);
  const parts = viralCoefficient({ invited, accepted: all.accepted, inviters: all.inviters });
  const interval = kInterval(all.accepted, all.inviters);
  const f = funnel(all);
  // Cycle time is a median over the window's acceptances: hidden over fewer than 5 of them.
  const cycle = shownMedian(await readCycleHistogram(db, w));
  // Over fewer than 5 inviters the platform's own figures are hidden too (DESIGN §6).
  const figures = protectTotal(all.inviters, {
    k: parts.k,
    kLow: interval.low,
    kHigh: interval.high,
    status: kStatus(parts.k),
    inviters: all.inviters,
    sent: invited,
    accepted: all.accepted,
    invitesPerInviter: parts.invitesPerInviter,
    acceptanceRate: parts.acceptanceRate,
    funnel: { sent: f.sent, delivered: f.delivered, opened: f.opened, accepted: f.accepted },
    cycleDays: cycle.value,
  });
  return {
    windowDays,
    start: w.start,
    end: w.end,
    ...figures,
    cycleSuppressed: figures.suppressed || cycle.suppressed,
    breakdowns: {
      actor: await breakdownSlices(db, 'actor', w, all.inviters),
      channel: await breakdownSlices(db, 'channel', w, all.inviters),
      variant: await breakdownSlices(db, 'variant', w, all.inviters),
    },
    trend: trend ?? (await readTrend(db, now)),
    excludedAsFraud: await countExcluded(db, w),
  };
}

/**
 * The owner's leaderboard. Its counts per tier are not suppressed: the snapshot's audience is
 * the owner alone (metricsPublisher.ts writes it as 'owner'; nobody else pulls it or gets it
 * live), and the owner already sees the people by name beside them (the leaderboard, segment
 * member lists), so a count under 5 tells the owner nothing new.
 */
export async function connectorsSnapshot(db: Queryable, now: Date): Promise<ConnectorsData> {
  const top = await readLeaderboard(db, 50);
  const details = new Map((await readConnectors(db, top.map((t) => t.userId), now)).map((d) => [d.userId, d]));
  const tiers = await db.query<{ tier: string; n: number }>(`SELECT tier, count(*)::int AS n FROM connector_stats WHERE tier IS NOT NULL GROUP BY tier`);
  const byTier = Object.fromEntries(connectorTiers.map((t) => [t, tiers.find((r) => r.tier === t)?.n ?? 0])) as ConnectorsData['byTier'];
  return {
    leaderboard: top.map((t) => {
      const d = details.get(t.userId);
      return {
        userId: t.userId,
        name: t.name,
        tier: t.tier,
        score: t.score,
        connections: d?.connections ?? 0,
        successes: d?.successes ?? 0,
        avgStrength: d?.avgStrength ?? 0,
        recencyBoost: d?.recencyBoost ?? 1,
      };
    }),
    byTier,
  };
}

export async function userSnapshot(db: Queryable, userId: string, now: Date): Promise<UserData> {
  const [user] = await db.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [userId]);
  const standing = user?.role === 'supplier' ? await readConnector(db, userId, now) : null;
  return {
    userId,
    connector: user?.role === 'supplier'
      ? { tier: standing?.tier ?? null, score: standing?.score ?? 0, connections: standing?.connections ?? 0, successes: standing?.successes ?? 0 }
      : null,
    ...(await readUserAttribution(db, userId)),
  };
}
