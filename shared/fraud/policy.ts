/**
 * Fraud policy numbers (DESIGN §6, issue 8): every threshold, weight and cut-off the rules, the
 * model and the rewards use, named once here. The server and the training script read them;
 * server/fraud/README.md explains each.
 *
 * A rule gives a weight in (0, 1): how sure it alone makes us that the write is fraud. Weights
 * combine as independent evidence (noisy-OR: 1 − Π(1 − w)), so two soft signals make a review
 * and three make a block, and the score never passes 1.
 */

/** Outcome cut-offs on the score: below REVIEW_AT allow, below BLOCK_AT review, else block. */
export const REVIEW_AT = 0.4;
export const BLOCK_AT = 0.8;
/**
 * The model's probability from which it sends a write to review. The model never blocks on its
 * own: a block refuses a person's write, so it needs a rule with a plain reason; a review puts a
 * person in the loop.
 */
export const MODEL_REVIEW_AT = 0.5;

/** One email invited by more than this many different users. */
export const RECIPIENT_INVITERS_MAX = 3;
/** More than this many invitations from one device fingerprint over DEVICE_WINDOW_DAYS. */
export const DEVICE_INVITATIONS_MAX = 100;
export const DEVICE_WINDOW_DAYS = 30;
/** More than this many accounts inviting (or accepting) from one device or network. */
export const DEVICE_ACCOUNTS_MAX = 3;
/** At least this many invitations from one inviter to one (non-mailbox-provider) domain in a day. */
export const BULK_DOMAIN_COUNT = 10;
export const BULK_DOMAIN_WINDOW_HOURS = 24;
/** At least this many invitations by one inviter captured within RAPID_WINDOW_SECONDS. */
export const RAPID_COUNT = 6;
export const RAPID_WINDOW_SECONDS = 60;
/** An acceptance this soon after the invitation was made is a machine's, not a person's. */
export const INSTANT_ACCEPT_SECONDS = 10;
/**
 * Farms: an inviter with at least INACTIVE_MIN_ACCEPTED acceptances older than INACTIVE_AFTER_DAYS,
 * of which at least INACTIVE_SHARE show no later activity (no sign-in, invitation or booking).
 */
export const INACTIVE_MIN_ACCEPTED = 8;
export const INACTIVE_AFTER_DAYS = 14;
export const INACTIVE_SHARE = 0.8;

/**
 * Self-referral through a shared device is weak evidence here: venues hand their tablet round
 * (colleagues sign in on it, a couple may sign up on it at the venue), so it reviews, never
 * blocks on its own; the same mailbox behind an alias, or the same card, blocks.
 */
export const SHARED_DEVICE_SELF_WEIGHT = 0.3;

/** Each rule's weight (see the header). */
export const weights = {
  disposable_address: 0.9,
  malformed_address: 0.6,
  suspicious_address: 0.15,
  self_referral: 0.95,
  referral_ring: 0.6,
  reciprocal_invitation: 0.25,
  recipient_many_inviters: 0.45,
  device_volume: 0.5,
  shared_device: 0.3,
  bulk_domain: 0.4,
  rapid_succession: 0.45,
  inactive_referrals: 0.45,
  acceptance_farm: 0.6,
  instant_acceptance: 0.35,
} as const;
export type ReasonCode = keyof typeof weights;

/**
 * Rewards (issue 8, point 6): an inviter earns REFERRAL_REWARD_CENTS for an acceptance once it
 * qualifies: the person who accepted books, or is active (signs in, invites or acts) at least
 * QUALIFY_ACTIVE_AFTER_HOURS after accepting. Held while under review, clawed back when confirmed.
 */
export const REFERRAL_REWARD_CENTS = 25_00;
export const QUALIFY_ACTIVE_AFTER_HOURS = 24;
