/**
 * The fraud rules (DESIGN §6, issue 8 point 3), pure: each looks at a small set of facts about
 * one invitation or one acceptance (what the server read from its history just before) and
 * returns a reason `{ code, weight, detail }` or null. The facts are counts and flags, not rows,
 * so the same rules run on the server's SQL answers and on the training script's replay.
 * Thresholds and weights come from policy.ts; plain words for each code from reasons.ts.
 */
import { looksGenerated, malformedReason, MAILBOX_PROVIDERS } from './email';
import {
  BULK_DOMAIN_COUNT,
  DEVICE_ACCOUNTS_MAX,
  DEVICE_INVITATIONS_MAX,
  DEVICE_WINDOW_DAYS,
  INACTIVE_AFTER_DAYS,
  INACTIVE_MIN_ACCEPTED,
  INACTIVE_SHARE,
  INSTANT_ACCEPT_SECONDS,
  RAPID_COUNT,
  RAPID_WINDOW_SECONDS,
  RECIPIENT_INVITERS_MAX,
  SHARED_DEVICE_SELF_WEIGHT,
  weights,
  type ReasonCode,
} from './policy';

export interface Reason {
  code: ReasonCode;
  weight: number;
  /** The facts behind it, in plain words (shown to the owner and, for a block, the inviter). */
  detail: string;
}

/** How the inviter's earlier acceptances turned out (farms: people who never come back). */
export interface FollowUp {
  /** Acceptances older than INACTIVE_AFTER_DAYS. */
  accepted: number;
  /** Of those, how many show no activity after accepting. */
  inactive: number;
}

/** What the server knows about one new invitation, counting the ones before it in the same push. */
export interface InvitationFacts {
  recipientEmail: string;
  recipientDomain: string;
  relationship: string;
  channel: string;
  inviterRole: 'supplier' | 'couple';
  inviterAccountDays: number;
  disposableDomain: boolean;
  /** The recipient is the inviter (same mailbox behind aliases) or shares a device with them. */
  selfReferral: null | 'same_mailbox' | 'shared_device';
  /** The recipient's account is up the inviter's referral chain: accepting would close a loop. */
  closesLoop: boolean;
  /** The recipient invited the inviter before. */
  reciprocal: boolean;
  /** Distinct users who invited this address, this inviter included. */
  recipientInviters: number;
  /** Invitations from this device over DEVICE_WINDOW_DAYS, this one included. */
  deviceInvitations: number;
  /** Distinct accounts that invited from this device. */
  deviceAccounts: number;
  /** This inviter's invitations to this domain over the bulk window, this one included. */
  domainInvitations: number;
  /** This inviter's invitations captured within RAPID_WINDOW_SECONDS before this one, this one included. */
  burst: number;
  /** Seconds since the inviter's previous capture (null for a first invitation). */
  gapSeconds: number | null;
  followUp: FollowUp;
}

/** What the server knows about one acceptance, read in its transaction. */
export interface AcceptanceFacts {
  acceptorEmail: string;
  disposableDomain: boolean;
  /** The acceptor is the inviter behind an alias, or shares a device, network or payment detail with them. */
  selfReferral: null | 'same_mailbox' | 'shared_device' | 'shared_payment';
  /** The acceptor is up the inviter's referral chain. */
  closesLoop: boolean;
  /** Distinct accounts that accepted from the acceptor's device or network lately, this one included. */
  acceptorsOnDevice: number;
  /** Seconds from the invitation's creation to its acceptance. */
  secondsToAccept: number;
  followUp: FollowUp;
}

type Rule<F> = (f: F) => Reason | null;
const reason = (code: ReasonCode, detail: string, weight: number = weights[code]): Reason => ({ code, weight, detail });

const addressRules = (email: string, disposable: boolean): Reason | null => {
  if (disposable) return reason('disposable_address', `${email} is on a list of throwaway email services`);
  const malformed = malformedReason(email);
  if (malformed) return reason('malformed_address', `${email} cannot be a real mailbox: ${malformed}`);
  if (looksGenerated(email)) return reason('suspicious_address', `${email} looks machine-made`);
  return null;
};

const inactiveReferrals = (f: FollowUp): Reason | null =>
  f.accepted >= INACTIVE_MIN_ACCEPTED && f.inactive / f.accepted >= INACTIVE_SHARE
    ? reason('inactive_referrals', `${f.inactive} of the inviter's ${f.accepted} acceptances older than ${INACTIVE_AFTER_DAYS} days never came back`)
    : null;

export const invitationRules: Record<string, Rule<InvitationFacts>> = {
  address: (f) => addressRules(f.recipientEmail, f.disposableDomain),
  selfReferral: (f) =>
    f.selfReferral === null
      ? null
      : f.selfReferral === 'same_mailbox'
        ? reason('self_referral', 'the inviter is inviting their own mailbox under another address')
        : reason('self_referral', 'the recipient has used the inviter’s device', SHARED_DEVICE_SELF_WEIGHT),
  ring: (f) =>
    f.closesLoop
      ? reason('referral_ring', 'the recipient referred the inviter (directly or up the chain): this would close a loop')
      : f.reciprocal
        ? reason('reciprocal_invitation', 'the recipient has invited the inviter too')
        : null,
  recipientInviters: (f) =>
    f.recipientInviters > RECIPIENT_INVITERS_MAX
      ? reason('recipient_many_inviters', `${f.recipientEmail} has been invited by ${f.recipientInviters} different people (more than ${RECIPIENT_INVITERS_MAX})`)
      : null,
  deviceVolume: (f) =>
    f.deviceInvitations > DEVICE_INVITATIONS_MAX
      ? reason('device_volume', `${f.deviceInvitations} invitations from one device in ${DEVICE_WINDOW_DAYS} days (more than ${DEVICE_INVITATIONS_MAX})`)
      : null,
  // One fact counted once: a recipient on the inviter's device already says the device is shared.
  sharedDevice: (f) =>
    f.deviceAccounts > DEVICE_ACCOUNTS_MAX && f.selfReferral !== 'shared_device' ? reason('shared_device', `${f.deviceAccounts} accounts invite from one device (more than ${DEVICE_ACCOUNTS_MAX})`) : null,
  bulkDomain: (f) =>
    f.domainInvitations >= BULK_DOMAIN_COUNT && !MAILBOX_PROVIDERS.has(f.recipientDomain)
      ? reason('bulk_domain', `${f.domainInvitations} invitations to @${f.recipientDomain} within a day`)
      : null,
  rapid: (f) =>
    f.burst >= RAPID_COUNT ? reason('rapid_succession', `${f.burst} invitations within ${RAPID_WINDOW_SECONDS} seconds`) : null,
  inactive: (f) => inactiveReferrals(f.followUp),
};

export const acceptanceRules: Record<string, Rule<AcceptanceFacts>> = {
  address: (f) => addressRules(f.acceptorEmail, f.disposableDomain),
  selfReferral: (f) => {
    if (f.selfReferral === null) return null;
    const how = { same_mailbox: 'is the inviter under another address', shared_device: 'used the inviter’s device', shared_payment: 'pays with the inviter’s card' }[f.selfReferral];
    return reason('self_referral', `the person accepting ${how}`, f.selfReferral === 'shared_device' ? SHARED_DEVICE_SELF_WEIGHT : weights.self_referral);
  },
  ring: (f) => (f.closesLoop ? reason('referral_ring', 'the person accepting referred the inviter (directly or up the chain)') : null),
  farm: (f) =>
    f.acceptorsOnDevice > DEVICE_ACCOUNTS_MAX
      ? reason('acceptance_farm', `${f.acceptorsOnDevice} accounts accepted invitations from one device or network (more than ${DEVICE_ACCOUNTS_MAX})`)
      : null,
  instant: (f) =>
    f.secondsToAccept < INSTANT_ACCEPT_SECONDS ? reason('instant_acceptance', `accepted ${Math.max(0, Math.round(f.secondsToAccept))} seconds after the invitation was made`) : null,
  inactive: (f) => inactiveReferrals(f.followUp),
};

/** Every reason the rules give, strongest first. */
export function runRules<F>(rules: Record<string, Rule<F>>, facts: F): Reason[] {
  return Object.values(rules)
    .map((rule) => rule(facts))
    .filter((r): r is Reason => r !== null)
    .sort((a, b) => b.weight - a.weight || a.code.localeCompare(b.code));
}

/** Independent evidence combined: 1 − Π(1 − w). 0 with no reasons; never above 1. */
export function combine(reasons: readonly Pick<Reason, 'weight'>[]): number {
  return 1 - reasons.reduce((p, r) => p * (1 - Math.min(1, Math.max(0, r.weight))), 1);
}
