/**
 * An experiment's config as it reaches every inviting device (the `experiments` metrics
 * snapshot) and its results as the owner sees them. One experiment per channel; variants are
 * named like an invitation's `variant` (`control`, `variant_a`, …) and `control` is the baseline
 * the others are compared with. Weights are relative (they need not sum to 1).
 */
import { z } from 'zod';
import { Channel } from '../invitation';

export const VARIANT_NAME_RE = /^[a-z][a-z0-9_]{0,39}$/;
export const VariantName = z.string().regex(VARIANT_NAME_RE, 'must be lower case letters, digits and _, starting with a letter');
export const CONTROL = 'control';

export const experimentModes = ['fixed', 'thompson'] as const;
export const ExperimentMode = z.enum(experimentModes);
export type ExperimentMode = z.infer<typeof ExperimentMode>;

export const ExperimentStatus = z.enum(['running', 'concluded']);
export type ExperimentStatus = z.infer<typeof ExperimentStatus>;

export const VariantWeight = z.object({ name: VariantName, weight: z.number().min(0).max(1000) });
export type VariantWeight = z.infer<typeof VariantWeight>;

export const ExperimentConfig = z.object({
  channel: Channel,
  seed: z.string().min(1).max(64),
  mode: ExperimentMode,
  /** Chance to beat control that makes a variant the winner (default 0.95). */
  threshold: z.number().gt(0.5).lt(1),
  status: ExperimentStatus,
  /** Who everyone gets once the experiment is concluded (the promoted winner). */
  defaultVariant: VariantName,
  variants: z.array(VariantWeight).min(1).max(10),
  updatedAt: z.string(),
  /**
   * When this round began (ISO): an inviter's invitations from then on keep them in their
   * variant (shared/experiments/assign.ts `stickyVariant`). Absent in configs cached before it.
   */
  startedAt: z.string().optional(),
});
export type ExperimentConfig = z.infer<typeof ExperimentConfig>;

const count = z.number().int().nonnegative();
const share = z.number().min(0).max(1);

/**
 * A variant's results as the owner sees them. A variant over fewer than 5 inviters (or the one
 * hidden beside it, so it cannot be worked out) shows no figure: every count and rate null and
 * `suppressed: true` (shared/experiments/results.ts `protectVariants`).
 */
export const VariantResult = z.object({
  name: z.string(),
  weight: z.number().nonnegative(),
  /** Invitations made with this variant (sent or further, cancelled excluded). */
  sends: count.nullable(),
  deliveries: count.nullable(),
  opens: count.nullable(),
  acceptances: count.nullable(),
  /** Distinct inviters assigned: the unit the split is checked on. */
  inviters: count.nullable(),
  bookings: count.nullable(),
  bookingCents: count.nullable(),
  /** Posterior mean of the acceptance rate (Beta(1 + accepted, 1 + not accepted)). */
  rate: share.nullable(),
  rateLow: share.nullable(),
  rateHigh: share.nullable(),
  /** Probability that this variant's true rate beats control's; null for control itself (or either suppressed). */
  chanceToBeatControl: share.nullable(),
  /** Relative lift of the posterior mean over control's; null for control or when control's is 0. */
  lift: z.number().nullable(),
  suppressed: z.boolean().default(false),
});
export type VariantResult = z.infer<typeof VariantResult>;

export const SrmCheck = z.object({
  chiSquare: z.number().nonnegative(),
  pValue: share,
  /** p < 0.001: the observed split departs from the weights (a bug in assignment or logging). */
  mismatch: z.boolean(),
  /** Why the check was not made (Thompson mode moves the weights; too few inviters). */
  skipped: z.string().nullable(),
});
export type SrmCheck = z.infer<typeof SrmCheck>;

export const ExperimentResults = z.object({
  channel: Channel,
  windowDays: z.number().int().positive(),
  variants: z.array(VariantResult),
  srm: SrmCheck,
  /** The variant whose chance to beat control passed the threshold first (kept once set). */
  winner: z.string().nullable(),
  winnerAt: z.string().nullable(),
  /** The best variant now above the threshold, if any (may differ from the recorded winner later). */
  leader: z.string().nullable(),
});
export type ExperimentResults = z.infer<typeof ExperimentResults>;

/**
 * The `experiments` snapshot: the config for every signed-in user (id `experiments`), and the
 * same with results for the owner (id `experiments:results`).
 */
export const ExperimentsData = z.object({
  experiments: z.array(ExperimentConfig),
  results: z.array(ExperimentResults).optional(),
});
export type ExperimentsData = z.infer<typeof ExperimentsData>;
export const EXPERIMENT_RESULTS_ID = 'experiments:results';

/** The experiment for a channel in the cached snapshot, if any. */
export function experimentFor(data: ExperimentsData | null | undefined, channel: Channel): ExperimentConfig | null {
  return data?.experiments.find((e) => e.channel === channel) ?? null;
}

/** A running experiment whose variant passed the owner's threshold, waiting to be promoted. */
export interface PendingWinner {
  channel: Channel;
  variant: string;
}

/**
 * The winners the owner should hear about (the header's badge): each running experiment whose
 * results name a winner (or, before it is recorded, a leader above the threshold) that is still
 * one of its variants. A concluded experiment has nothing to promote.
 */
export function pendingWinners(data: ExperimentsData | null | undefined): PendingWinner[] {
  if (!data) return [];
  return data.experiments.flatMap((e) => {
    const r = data.results?.find((x) => x.channel === e.channel);
    const variant = r ? (r.winner ?? r.leader) : null;
    return e.status === 'running' && variant && e.variants.some((v) => v.name === variant) ? [{ channel: e.channel, variant }] : [];
  });
}
