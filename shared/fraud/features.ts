/**
 * The model's view of an invitation: a fixed list of named numeric features from the same facts
 * the rules read (the invitation, its inviter's history, its recipient's), each squashed to
 * about [0, 1] so no one feature dominates by its units. The rules' own hits are features too:
 * the model is trained on top of the rules and learns when a rule's signal is weaker or stronger
 * than its fixed weight says. Adding or reordering a feature changes the model's shape: the
 * model file records the names it was trained on and the loader refuses a mismatch.
 */
import { looksGenerated, MAILBOX_PROVIDERS } from './email';
import { DEVICE_INVITATIONS_MAX, RAPID_COUNT } from './policy';
import { invitationRules, runRules, type InvitationFacts } from './rules';

const log01 = (n: number, full: number) => Math.min(1, Math.log1p(Math.max(0, n)) / Math.log1p(full));

/** Name, plain words for the owner, and how to read it from the facts (and the rules' hits). */
const featureList: [string, string, (f: InvitationFacts, hits: ReadonlySet<string>) => number][] = [
  ['rule_disposable', 'throwaway address', (_f, h) => +h.has('disposable_address')],
  ['rule_malformed', 'address cannot receive mail', (_f, h) => +h.has('malformed_address')],
  ['rule_self', 'inviting themselves', (_f, h) => +h.has('self_referral')],
  ['rule_ring', 'referral loop', (_f, h) => +h.has('referral_ring')],
  ['reciprocal', 'invited each other', (f) => +f.reciprocal],
  ['generated_address', 'machine-made looking address', (f) => +looksGenerated(f.recipientEmail)],
  ['recipient_inviters', 'people who invited this address', (f) => log01(f.recipientInviters - 1, 10)],
  ['device_invitations', 'invitations from this device', (f) => log01(f.deviceInvitations, DEVICE_INVITATIONS_MAX * 2)],
  ['device_accounts', 'accounts on this device', (f) => log01(f.deviceAccounts - 1, 10)],
  ['domain_invitations', 'invitations to this domain today', (f) => (MAILBOX_PROVIDERS.has(f.recipientDomain) ? 0 : log01(f.domainInvitations - 1, 30))],
  ['burst', 'invitations in the last minute', (f) => log01(f.burst - 1, RAPID_COUNT * 3)],
  ['quick_gap', 'seconds since the previous invitation', (f) => (f.gapSeconds === null ? 0 : 1 - log01(f.gapSeconds, 3600))],
  ['new_account', 'a new account', (f) => 1 - log01(f.inviterAccountDays, 365)],
  ['couple_inviter', 'inviter is a couple', (f) => +(f.inviterRole === 'couple')],
  ['rel_past_client', 'a past client', (f) => +(f.relationship === 'past_client')],
  ['rel_fellow_supplier', 'a fellow supplier', (f) => +(f.relationship === 'fellow_supplier')],
  ['rel_other', 'relationship "other"', (f) => +(f.relationship === 'other')],
  ['channel_email', 'sent by email', (f) => +(f.channel === 'email')],
  ['inactive_share', 'inviter’s referrals who never came back', (f) => (f.followUp.accepted === 0 ? 0 : f.followUp.inactive / f.followUp.accepted)],
  ['followed_up', 'inviter’s past acceptances', (f) => log01(f.followUp.accepted, 50)],
];

export const featureNames: readonly string[] = featureList.map(([name]) => name);
export const featureLabels: Readonly<Record<string, string>> = Object.fromEntries(featureList.map(([name, label]) => [name, label]));

/** The feature vector of an invitation, in featureNames order. */
export function invitationFeatures(f: InvitationFacts): number[] {
  const hits = new Set(runRules(invitationRules, f).map((r) => r.code));
  return featureList.map(([, , read]) => read(f, hits));
}
