/**
 * Plain words for each fraud reason code and outcome, for the owner's review queue and the
 * inviter's refusal. Kept apart from the rules so a screen can show them without loading rules.
 */
import type { ReasonCode } from './policy';

export const reasonText: Record<ReasonCode, string> = {
  disposable_address: 'Throwaway email address',
  malformed_address: 'Address that cannot receive mail',
  suspicious_address: 'Machine-made looking address',
  self_referral: 'Inviting themselves',
  referral_ring: 'Referral loop',
  reciprocal_invitation: 'Invited each other',
  recipient_many_inviters: 'Same person invited by many',
  device_volume: 'Too many invitations from one device',
  shared_device: 'Many accounts on one device',
  bulk_domain: 'Bulk sends to one domain',
  rapid_succession: 'Invitations in rapid succession',
  inactive_referrals: 'Referrals who never come back',
  acceptance_farm: 'Many acceptances from one device',
  instant_acceptance: 'Accepted instantly',
};

export type Outcome = 'allow' | 'review' | 'block';

export const outcomeText: Record<Outcome, string> = {
  allow: 'Allowed',
  review: 'Held for review',
  block: 'Blocked',
};

/** The refusal an inviter reads when an invitation is blocked: every reason, in plain words. */
export function blockMessage(reasons: readonly { code: ReasonCode; detail: string }[]): string {
  const parts = reasons.map((r) => `${reasonText[r.code]} (${r.detail})`);
  return `Blocked by our safety checks: ${parts.join('; ')}.`;
}
