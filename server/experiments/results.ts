/**
 * Results of each experiment, from the K counters (dimension 'experiment', value
 * '<channel>:<variant>', migration 009) and the bookings of the people its invitations brought
 * in. The window is the experiment's days so far, at most 90 (the counters' limit). When a
 * variant's chance to beat control first passes the experiment's threshold, it is recorded as
 * the winner with one `experiment.winner` event (a conditional update: once, even with several
 * server processes). The leader is chosen on the full figures; every figure that leaves
 * (results, the event) has been through the privacy rule (protectVariants).
 */
import { ExperimentResults, type ExperimentConfig } from '../../shared/experiments/config';
import { leaderOf, protectSrm, protectVariants, srmCheck, variantResults, type VariantCounts } from '../../shared/experiments/results';
import type { ViralEventDoc } from '../../shared/events';
import { funnel, MAX_WINDOW_DAYS, utcDay, windowEnding, type DayWindow } from '../../shared/viral';
import type { Db, Queryable } from '../db/db';
import { hiddenArms } from '../viral/experimentArms';
import { readBreakdown } from '../viral/kCounters';
import { recordEvent } from '../sync/events';
import type { ExperimentView } from './store';

const DAY_MS = 86_400_000;

/** Whole days from the experiment's start to today, inclusive, capped at 90. */
export function resultsWindow(startedAt: string, now: Date, maxDays = MAX_WINDOW_DAYS): DayWindow & { days: number } {
  const days = Math.min(maxDays, Math.max(1, Math.floor((Date.parse(utcDay(now)) - Date.parse(startedAt.slice(0, 10))) / DAY_MS) + 1));
  return { ...windowEnding(utcDay(now), days), days };
}

interface BookingRow {
  channel: string;
  variant: string;
  bookings: number;
  cents: number;
}

/** Per-variant counts for one experiment over a window. */
export async function readVariantCounts(db: Queryable, experiment: Pick<ExperimentConfig, 'channel' | 'variants'>, w: DayWindow): Promise<VariantCounts[]> {
  const prefix = `${experiment.channel}:`;
  const counters = new Map((await readBreakdown(db, 'experiment', w)).filter((r) => r.val.startsWith(prefix)).map((r) => [r.val.slice(prefix.length), r]));
  const bookings = new Map(
    (
      await db.query<BookingRow>(
        `SELECT i.variant, count(*)::int AS bookings, sum(b.amount_cents)::bigint AS cents
           FROM invitations i JOIN users u ON u.referral_invitation_id = i.id JOIN bookings b ON b.couple_id = u.id
          WHERE i.channel = $1 AND NOT i.deleted AND plusone_day(i.counted_at) BETWEEN $2::date AND $3::date
          GROUP BY i.variant`,
        [experiment.channel, w.start, w.end],
      )
    ).map((r) => [r.variant, r]),
  );
  return experiment.variants.map((v) => {
    const c = counters.get(v.name);
    const f = c ? funnel(c) : { sent: 0, delivered: 0, opened: 0, accepted: 0 };
    const b = bookings.get(v.name);
    return {
      name: v.name,
      weight: v.weight,
      sends: f.sent,
      deliveries: f.delivered,
      opens: f.opened,
      acceptances: f.accepted,
      inviters: c?.inviters ?? 0,
      bookings: b?.bookings ?? 0,
      bookingCents: Number(b?.cents ?? 0),
    };
  });
}

/** The experiment's results now (read-only: the winner is as recorded). */
export async function readResults(db: Queryable, e: ExperimentView, now: Date): Promise<ExperimentResults> {
  const w = resultsWindow(e.startedAt, now);
  const counts = await readVariantCounts(db, e, w);
  const variants = variantResults(counts);
  // Small counts are suppressed before anything leaves (the routes, the snapshot, the winner
  // event), over every channel's arms at once (the variants' totals are published too).
  const hidden = await hiddenArms(db, w);
  const shown = protectVariants(variants, (name) => hidden.has(`${e.channel}:${name}`));
  return ExperimentResults.parse({
    channel: e.channel,
    windowDays: w.days,
    variants: shown,
    srm: protectSrm(srmCheck(counts.map((c) => c.inviters), counts.map((c) => c.weight), e.mode), shown),
    winner: e.winner,
    winnerAt: e.winnerAt,
    leader: e.status === 'running' ? leaderOf(variants, e.threshold) : null,
  });
}

/** Records the winner of a running experiment whose leader passed the threshold and that has none yet. */
export async function recordWinner(db: Db, e: ExperimentView, results: ExperimentResults, now: Date): Promise<ViralEventDoc | null> {
  if (e.status !== 'running' || e.winner || !results.leader) return null;
  const leader = results.variants.find((v) => v.name === results.leader)!;
  return db.transaction(async (tx) => {
    const won = await tx.query(
      `UPDATE experiments SET winner = $2, winner_at = $3 WHERE channel = $1 AND winner IS NULL AND status = 'running' RETURNING channel`,
      [e.channel, leader.name, now],
    );
    if (won.length === 0) return null;
    return recordEvent(tx, {
      type: 'experiment.winner',
      actorId: null,
      invitationId: null,
      inviterId: null,
      orgId: null,
      data: {
        channel: e.channel,
        variant: leader.name,
        chanceToBeatControl: leader.chanceToBeatControl,
        threshold: e.threshold,
        rate: leader.rate,
        controlRate: results.variants.find((v) => v.chanceToBeatControl === null)?.rate ?? null,
        sends: leader.sends,
        acceptances: leader.acceptances,
      },
      capturedAt: now,
      countedAt: now,
      timeSource: 'server',
    });
  });
}
