/**
 * The analytics snapshots the server computes from its counters and clients cache in their
 * `metrics` collection, so every dashboard reads offline from the last synced figures (with
 * their age). One envelope, a `kind`, and a typed `data` per kind. Every aggregate in them has
 * already been through the privacy rules (shared/analytics/privacy.ts): a suppressed figure is
 * `null` with `suppressed: true`, and the screens say "fewer than 5".
 *
 * Who sees which: `platform:<w>` every signed-in user; `connectors`, `attribution` and
 * `segments` the owner; `user:<id>` that user only.
 */
import { z } from 'zod';
import { KStatus } from '../viral';
import { ExperimentsData } from '../experiments/config';

const count = z.number().int().nonnegative();
const figure = z.number().nonnegative();

/** A K figure for one slice (a breakdown row, a weekly cohort). Null figures are suppressed. */
export const KSlice = z.object({
  key: z.string(),
  label: z.string(),
  inviters: count.nullable(),
  invited: count.nullable(),
  accepted: count.nullable(),
  k: figure.nullable(),
  kLow: figure.nullable(),
  kHigh: figure.nullable(),
  acceptanceRate: z.number().min(0).max(1).nullable(),
  suppressed: z.boolean(),
});
export type KSlice = z.infer<typeof KSlice>;

/**
 * The platform's figures over a window. Over fewer than 5 inviters they are suppressed like any
 * other aggregate: every figure null, `suppressed: true` (and every breakdown row with them).
 */
export const PlatformData = z.object({
  windowDays: z.number().int().positive(),
  /** First and last day of the window (UTC, inclusive). */
  start: z.string(),
  end: z.string(),
  k: figure.nullable(),
  kLow: figure.nullable(),
  kHigh: figure.nullable(),
  status: KStatus.nullable(),
  inviters: count.nullable(),
  sent: count.nullable(),
  accepted: count.nullable(),
  invitesPerInviter: figure.nullable(),
  acceptanceRate: z.number().min(0).max(1).nullable(),
  funnel: z.object({ sent: count, delivered: count, opened: count, accepted: count }).nullable(),
  /** Fewer than 5 inviters in the window: the figures above are null. */
  suppressed: z.boolean().default(false),
  /** Median whole days from invitation to acceptance; null with no acceptances, or with fewer than 5 (`cycleSuppressed`). */
  cycleDays: figure.nullable(),
  /** The cycle time is over fewer than 5 acceptances (or the whole window is suppressed): shown as "fewer than 5". */
  cycleSuppressed: z.boolean().default(false),
  breakdowns: z.object({ actor: z.array(KSlice), channel: z.array(KSlice), variant: z.array(KSlice) }),
  /** K of each weekly cohort (invitations created that week), oldest first. */
  trend: z.array(KSlice),
  /** Owner-facing count of acceptances in the window left out of K as fraud (blocked, or confirmed in review). */
  excludedAsFraud: count,
});
export type PlatformData = z.infer<typeof PlatformData>;

export const ConnectorEntry = z.object({
  userId: z.string(),
  name: z.string(),
  tier: z.enum(['platinum', 'gold', 'silver', 'bronze']),
  score: figure,
  connections: count,
  successes: count,
  avgStrength: z.number().min(0).max(1),
  recencyBoost: figure,
});
export type ConnectorEntry = z.infer<typeof ConnectorEntry>;

export const ConnectorsData = z.object({
  /** Super-connectors, best first (at most 50). */
  leaderboard: z.array(ConnectorEntry),
  byTier: z.object({ platinum: count, gold: count, silver: count, bronze: count }),
});
export type ConnectorsData = z.infer<typeof ConnectorsData>;

/** A person in a referral tree; `revenue` (what they booked) is null below level 1. */
export interface ReferralTreeNode {
  userId: string;
  name: string;
  depth: number;
  revenue: number | null;
  children: ReferralTreeNode[];
  hiddenBelow: number;
}
export const ReferralTreeNode: z.ZodType<ReferralTreeNode> = z.lazy(() =>
  z.object({
    userId: z.string(),
    name: z.string(),
    depth: z.number().int().nonnegative(),
    revenue: figure.nullable(),
    children: z.array(ReferralTreeNode),
    hiddenBelow: count,
  }),
);

export const UserData = z.object({
  userId: z.string(),
  /** The super-connector standing (suppliers); tier null below 20 connections. */
  connector: z
    .object({ tier: ConnectorEntry.shape.tier.nullable(), score: figure, connections: count, successes: count })
    .nullable(),
  /** Who referred this user, as shown to them: the tier for super-connectors, else the name. */
  referredBy: z.object({ userId: z.string(), name: z.string(), tier: ConnectorEntry.shape.tier.nullable() }).nullable(),
  chainDepth: count,
  /** The people this user referred, at most 3 levels deep. */
  tree: ReferralTreeNode,
  /**
   * What the people they referred booked, 3 levels deep, through the privacy rule
   * (shared/analytics/privacy.ts `protectLevels`): null is "fewer than 5" bookers.
   */
  referredRevenue: z.object({
    people: count.nullable(),
    total: figure.nullable(),
    direct: figure.nullable(),
    indirect: figure.nullable(),
    byLevel: z.array(figure.nullable()),
    suppressed: z.boolean(),
  }),
});
export type UserData = z.infer<typeof UserData>;

/** A revenue figure with the number of distinct referred people behind it. */
export const RevenueRow = z.object({ key: z.string(), label: z.string(), people: count.nullable(), revenue: figure.nullable(), suppressed: z.boolean() });
export type RevenueRow = z.infer<typeof RevenueRow>;

/**
 * A referrer's row: `revenue` and `people` are everything credited to them (bookers up to 3
 * levels below), `direct` their level 1, `indirect` levels 2 and 3. Each is null when hidden.
 */
export const ReferrerRevenueRow = RevenueRow.extend({ direct: figure.nullable(), indirect: figure.nullable() });
export type ReferrerRevenueRow = z.infer<typeof ReferrerRevenueRow>;

/**
 * The owner's attribution report. Under 5 referred people who booked, the headline figures are
 * null with `suppressed: true`; direct and indirect split the total, so one of them under 5
 * people is null with the other (null beside a shown total).
 */
export const AttributionData = z.object({
  total: figure.nullable(),
  direct: figure.nullable(),
  indirect: figure.nullable(),
  referredPeople: count.nullable(),
  suppressed: z.boolean().default(false),
  byReferrer: z.array(ReferrerRevenueRow),
  byChannel: z.array(RevenueRow),
  byVariant: z.array(RevenueRow),
  byMonth: z.array(RevenueRow),
});
export type AttributionData = z.infer<typeof AttributionData>;

export const SegmentSummary = z.object({ id: z.string(), name: z.string(), builtIn: z.boolean(), members: count, changedAt: z.string().nullable() });
export const SegmentsData = z.object({ segments: z.array(SegmentSummary) });
export type SegmentsData = z.infer<typeof SegmentsData>;

/** Experiment config every inviting device needs offline, with results for the owner (shared/experiments/config.ts). */
export { ExperimentsData };
/** The owner's alerts (issue 9): typed by their own module, carried here as a record. */
export const AlertsData = z.record(z.string(), z.unknown());

export const metricsKinds = ['platform', 'connectors', 'user', 'attribution', 'segments', 'experiments', 'alerts'] as const;
export const MetricsKind = z.enum(metricsKinds);
export type MetricsKind = z.infer<typeof MetricsKind>;

export const snapshotData = {
  platform: PlatformData,
  connectors: ConnectorsData,
  user: UserData,
  attribution: AttributionData,
  segments: SegmentsData,
  experiments: ExperimentsData,
  alerts: AlertsData,
} as const;
export type SnapshotData<K extends MetricsKind> = z.infer<(typeof snapshotData)[K]>;

export const snapshotIds = {
  platform: (windowDays: number) => `platform:${windowDays}`,
  connectors: 'connectors',
  user: (userId: string) => `user:${userId}`,
  attribution: 'attribution',
  segments: 'segments',
  experiments: 'experiments',
  alerts: 'alerts',
} as const;

/** Parses a cached snapshot's data for its kind; null when it does not match (an older shape). */
export function readSnapshot<K extends MetricsKind>(kind: K, doc: { kind: string; data: unknown } | null | undefined): SnapshotData<K> | null {
  if (!doc || doc.kind !== kind) return null;
  const parsed = snapshotData[kind].safeParse(doc.data);
  return parsed.success ? (parsed.data as SnapshotData<K>) : null;
}
